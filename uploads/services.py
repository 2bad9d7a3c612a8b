"""Keeping an upload between its preview and its confirmation, and letting it go."""

import datetime
import hashlib

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import RuleViolation

from .flow import max_upload_bytes
from .models import TOKEN_SALT, PendingUpload

DEFAULT_LIFETIME = datetime.timedelta(hours=24)


class UploadRefused(RuleViolation):
    """The file as a whole cannot be taken (missing, too large, expired, changed)."""

    code = "upload_refused"


def receive(uploaded_file, *, limit: int | None = None) -> bytes:
    """The bytes of an UploadedFile, refusing a missing or oversized one before reading it."""
    if uploaded_file is None:
        raise UploadRefused(_("请选择要导入的文件。"))
    limit = max_upload_bytes() if limit is None else limit
    if uploaded_file.size > limit:
        raise UploadRefused(
            _("文件大小为 %(size).1f MB，超过上限 %(limit)d MB，请拆分后分批导入。")
            % {"size": uploaded_file.size / 1024 / 1024, "limit": limit // 1024 // 1024}
        )
    return uploaded_file.read()


def keep_upload(
    data: bytes, *, filename: str, owner, purpose: str, target: str = "", suffix: str = ""
) -> PendingUpload:
    """Store the bytes privately for this owner and import until the preview is confirmed."""
    purge_expired_uploads()
    now = timezone.now()
    upload = PendingUpload(
        owner=owner,
        purpose=purpose,
        target=target,
        filename=filename[-200:],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        created_at=now,
        expires_at=now + getattr(settings, "RELIEF_UPLOAD_LIFETIME", DEFAULT_LIFETIME),
    )
    suffix = suffix or (".xlsx" if data.startswith(b"PK\x03\x04") else ".csv")
    upload.file.save(f"{upload.pk.hex}{suffix}", ContentFile(data), save=False)
    upload.save()
    return upload


def load_upload(token: str, *, user, purpose: str) -> PendingUpload:
    """The upload a token names, refused if forged, expired, discarded or someone else's."""
    try:
        pk = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        raise UploadRefused(_("预览已过期或无效，请重新上传文件。")) from None
    return load_upload_by_id(pk, user=user, purpose=purpose)


def load_upload_by_id(pk: str, *, user, purpose: str) -> PendingUpload:
    """The upload with this id, refused if expired, discarded or someone else's."""
    gone = UploadRefused(_("预览过的文件已导入或已过期，请重新上传。"))
    upload = PendingUpload.objects.filter(pk=pk, purpose=purpose).first()
    if upload is None:
        raise gone
    if upload.owner_id != getattr(user, "pk", None):
        raise UploadRefused(_("预览已过期或无效，请重新上传文件。"))
    if upload.is_expired:
        discard_upload(upload)
        raise gone
    return upload


def read_verified(upload: PendingUpload) -> bytes:
    """The stored bytes, refused unless they are exactly the bytes that were previewed."""
    if not upload.file.storage.exists(upload.path):
        raise UploadRefused(_("预览过的文件已导入或已过期，请重新上传。"))
    data = upload.read()
    if not upload.matches(data):
        raise UploadRefused(_("文件在预览之后被更改过，已拒绝导入。请重新上传并预览。"))
    return data


def save_preview(upload: PendingUpload, preview: dict) -> None:
    upload.preview = preview
    upload.save(update_fields=["preview"])


def discard_upload(upload: PendingUpload) -> None:
    """Remove the row and, once that commits, the stored bytes."""
    name, storage = upload.path, upload.file.storage
    upload.delete()
    transaction.on_commit(lambda: storage.delete(name))


def purge_expired_uploads() -> int:
    """Forget previews nobody confirmed in time."""
    expired = list(PendingUpload.objects.filter(expires_at__lte=timezone.now())[:200])
    for upload in expired:
        discard_upload(upload)
    return len(expired)
