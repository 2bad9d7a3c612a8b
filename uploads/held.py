"""Files chosen on a form whose submit failed, held so that nobody has to choose them again.

A browser never refills a file input: a visit form refused for a typo would silently lose the
photo taken on the doorstep. The files that passed their own checks are stored as pending
uploads (private, owned, expiring like every pending upload) and the form carries their signed
tokens; the next submit takes them back as if they had been chosen again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from .models import PendingUpload
from .services import UploadRefused, discard_upload, keep_upload, load_upload, read_verified

MAX_HELD_FILES = 20


@dataclass(frozen=True)
class HeldFile:
    """One held file: what the form posts back (token), shows (name, size) and submits (file)."""

    upload: PendingUpload
    file: SimpleUploadedFile

    @property
    def token(self) -> str:
        return self.upload.token

    @property
    def name(self) -> str:
        return self.upload.filename

    @property
    def size(self) -> int:
        return self.upload.size


def _suffix(name: str) -> str:
    match = re.search(r"\.([A-Za-z0-9]{1,5})$", name)
    return f".{match.group(1).lower()}" if match else ""


def hold_files(files: Iterable, *, owner, purpose: str, target: str) -> list[HeldFile]:
    """Store each file for this owner and form (purpose, target) until the next submit."""
    held = []
    for uploaded in files:
        uploaded.seek(0)
        data = uploaded.read()
        uploaded.seek(0)
        name = (getattr(uploaded, "name", "") or "file").rsplit("/", 1)[-1]
        upload = keep_upload(
            data, filename=name, owner=owner, purpose=purpose, target=target, suffix=_suffix(name)
        )
        held.append(HeldFile(upload, SimpleUploadedFile(upload.filename, data)))
    return held


def take_held_files(tokens: Iterable[str], *, user, purpose: str, target: str) -> list[HeldFile]:
    """The files these tokens name, refused if forged, expired, someone else's or another form's."""
    tokens = list(dict.fromkeys(t for t in tokens if t))
    if len(tokens) > MAX_HELD_FILES:
        raise UploadRefused(_("保留的文件过多，请重新选择。"))
    held = []
    for token in tokens:
        upload = load_upload(token, user=user, purpose=purpose)
        if upload.target != target:
            raise UploadRefused(_("预览已过期或无效，请重新上传文件。"))
        held.append(HeldFile(upload, SimpleUploadedFile(upload.filename, read_verified(upload))))
    return held


def release_held_files(held: Iterable[HeldFile]) -> None:
    """Forget held files once the form that used them has been saved."""
    for item in held:
        discard_upload(item.upload)
