import hashlib
import uuid

from django.conf import settings
from django.core import signing
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_SALT = "uploads.pending"  # noqa: S105 (a signing namespace, not a secret)


class PendingUpload(models.Model):
    """A file between its preview and its confirmation: private, owned, expiring.

    The bytes live in the default storage (so every instance sees them); the row says whose
    they are, for which import and target, until when, and what the preview found. Nothing of
    it is kept in the session. Confirmation re-reads the bytes and refuses them unless their
    SHA-256 is the one that was previewed.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    purpose = models.CharField(_("导入类型"), max_length=50)
    target = models.CharField(_("导入对象"), max_length=50, blank=True)
    filename = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/", max_length=200)
    preview = models.JSONField(_("预览结果"), null=True, blank=True)
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("过期时间"), db_index=True)

    class Meta:
        verbose_name = _("待确认的导入文件")
        verbose_name_plural = _("待确认的导入文件")
        indexes = [models.Index(fields=["owner", "purpose"])]

    def __str__(self) -> str:
        return self.filename

    @property
    def path(self) -> str:
        """The stored file's name in the default storage."""
        return self.file.name or ""

    @property
    def token(self) -> str:
        """What the confirm form posts back: the id, signed so it cannot be guessed or edited."""
        return signing.dumps(str(self.pk), salt=TOKEN_SALT)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    def read(self) -> bytes:
        with self.file.storage.open(self.path, "rb") as handle:
            return handle.read()

    def matches(self, data: bytes) -> bool:
        return hashlib.sha256(data).hexdigest() == self.sha256
