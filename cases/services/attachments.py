"""Attachments of visits: type sniffed from the content, size limit, thumbnails, random names.

A failed step removes the files it already stored, so storage never keeps orphans.
"""

from __future__ import annotations

import contextlib
import io
import uuid
from dataclasses import dataclass

import filetype
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from cases.exceptions import AttachmentRejected, CaseStateError
from cases.models import Attachment, CaseStatus, Visit
from core.history import attribute_change

from .checks import lock_case, require_casework_role, require_in_scope

__all__ = ["ALLOWED_ATTACHMENT_TYPES", "MAX_ATTACHMENT_BYTES", "add_attachment", "check_attachment"]

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# MIME type sniffed from the content -> file extension used for the stored (random) name.
ALLOWED_ATTACHMENT_TYPES = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
THUMBNAIL_SIZE = (480, 480)


@dataclass
class _CheckedUpload:
    uploaded_file: UploadedFile
    content_type: str
    extension: str
    size: int
    name: str


def check_attachment(uploaded_file) -> _CheckedUpload:
    """Size and type (sniffed from the content, never from the name or the browser's claim)."""
    name = (getattr(uploaded_file, "name", "") or "file").rsplit("/", 1)[-1][:200]
    size = uploaded_file.size
    if size == 0:
        raise AttachmentRejected(
            _("文件“%(name)s”是空文件。") % {"name": name}, field="attachments"
        )
    if size > MAX_ATTACHMENT_BYTES:
        raise AttachmentRejected(
            _("文件“%(name)s”大小为 %(mb).1f MB，超过 10 MB 的上限，请压缩后再上传。")
            % {"name": name, "mb": size / 1024 / 1024},
            field="attachments",
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(8192)
    uploaded_file.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind is not None else ""
    if mime not in ALLOWED_ATTACHMENT_TYPES:
        raise AttachmentRejected(
            _("文件“%(name)s”不是 JPEG、PNG 图片或 PDF 文件（按内容识别，与扩展名无关）。")
            % {"name": name},
            field="attachments",
        )
    if mime.startswith("image/"):
        try:
            with Image.open(uploaded_file) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
            raise AttachmentRejected(
                _("图片“%(name)s”已损坏或无法读取，请重新拍摄或选择。") % {"name": name},
                field="attachments",
            ) from None
        finally:
            uploaded_file.seek(0)
    return _CheckedUpload(uploaded_file, mime, ALLOWED_ATTACHMENT_TYPES[mime], size, name)


def _thumbnail(uploaded_file) -> ContentFile | None:
    uploaded_file.seek(0)
    try:
        with Image.open(uploaded_file) as opened:
            image = ImageOps.exif_transpose(opened)
            image.thumbnail(THUMBNAIL_SIZE)
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=80)
    except (OSError, Image.DecompressionBombError):
        return None
    finally:
        uploaded_file.seek(0)
    return ContentFile(out.getvalue())


def store_attachment(visit: Visit, checked: _CheckedUpload, by, stored: list) -> Attachment:
    """Save the file under a random name; record stored names so a failure can remove them."""
    attachment = Attachment(
        visit=visit,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=by,
        uploaded_at=timezone.now(),
    )
    checked.uploaded_file.seek(0)
    attachment.file.save(
        f"{uuid.uuid4().hex}.{checked.extension}", checked.uploaded_file, save=False
    )
    stored.append(attachment.file)
    if checked.content_type.startswith("image/"):
        thumb = _thumbnail(checked.uploaded_file)
        if thumb is not None:
            attachment.thumbnail.save(f"{uuid.uuid4().hex}.jpg", thumb, save=False)
            stored.append(attachment.thumbnail)
    attribute_change(attachment, by=by)
    attachment.save()
    return attachment


def remove_stored_files(stored: list) -> None:
    for field_file in stored:
        with contextlib.suppress(OSError):
            field_file.storage.delete(field_file.name)


def add_attachment(visit: Visit, uploaded_file, *, by) -> Attachment:
    """Attach a photo or scan to a visit (JPEG, PNG or PDF, at most 10 MB)."""
    require_casework_role(by, "cases.add_attachment")
    stored: list = []
    try:
        with transaction.atomic():
            case = lock_case(visit.case)
            require_in_scope(by, case.organisation)
            if case.status == CaseStatus.CLOSED:
                raise CaseStateError(_("个案已结案，不能再添加附件；如需继续办理请先重新开启。"))
            checked = check_attachment(uploaded_file)
            return store_attachment(visit, checked, by, stored)
    except BaseException:
        remove_stored_files(stored)
        raise
