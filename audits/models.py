from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import AccessAction


class ChangeKind(models.TextChoices):
    """simple-history's history_type codes."""

    CREATED = "+", _("新建")
    CHANGED = "~", _("修改")
    DELETED = "-", _("删除")


class AccessLog(models.Model):
    """Who looked at, exported, printed or was refused what — append-only.

    `digest` is an HMAC over the row's content, computed when the row is written; `chain_seq` and
    `chain_digest` are filled once, by the sealer (`audits.chain.seal_pending`), which links the
    rows in one chain. The PostgreSQL triggers refuse every other UPDATE and every DELETE.
    """

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=20, choices=AccessAction.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=50, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=50, blank=True)
    field = models.CharField(_("字段"), max_length=50, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    digest = models.CharField(_("内容摘要"), max_length=64, blank=True, editable=False)
    key_id = models.CharField(_("密钥编号"), max_length=12, blank=True, editable=False)
    chain_seq = models.BigIntegerField(_("链序号"), null=True, blank=True, unique=True)
    chain_digest = models.CharField(_("链摘要"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("访问日志")
        verbose_name_plural = _("访问日志")
        ordering = ["-at", "-id"]
        permissions = [
            ("view_audit", _("可查看审计信息")),
            ("export_audit", _("可导出审计信息")),
        ]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"]),
            models.Index(fields=["user", "at"]),
            models.Index(fields=["action", "at", "id"], name="accesslog_action_at"),
            models.Index(
                fields=["id"],
                condition=models.Q(chain_seq__isnull=True),
                name="accesslog_unsealed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"


class ChangeEntry(models.Model):
    """One row per history row of any model: the index the change log reads.

    Written in the same transaction as the history row (signal) or right after a bulk history
    insert, so the change log never has to UNION the history tables. `organisation_path` is the
    materialised path of the organisation the record belongs to, for scope filtering.
    `digest` is an HMAC over this row and the history row it indexes (and its m2m rows).
    """

    at = models.DateTimeField(_("时间"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    model = models.CharField(_("记录类型"), max_length=100)
    object_id = models.CharField(_("记录编号"), max_length=50)
    history_id = models.BigIntegerField(_("历史编号"))
    prev_history_id = models.BigIntegerField(_("上一历史编号"), null=True, blank=True)
    kind = models.CharField(_("变更类型"), max_length=1, choices=ChangeKind.choices)
    organisation_id = models.BigIntegerField(_("组织"), null=True, blank=True)
    organisation_path = models.CharField(_("组织路径"), max_length=255, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    # The columns the digest covers (HistoryColumns), so a later migration that adds a column
    # to a history table does not make every older row look altered. NULL: every column.
    columns_id = models.BigIntegerField(_("字段集"), null=True, blank=True)
    digest = models.CharField(_("内容摘要"), max_length=64, editable=False)
    key_id = models.CharField(_("密钥编号"), max_length=12, blank=True, editable=False)
    chain_seq = models.BigIntegerField(_("链序号"), null=True, blank=True, unique=True)
    chain_digest = models.CharField(_("链摘要"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["model", "history_id"], name="changeentry_one_per_row")
        ]
        indexes = [
            models.Index(fields=["at", "id"], name="changeentry_at"),
            models.Index(fields=["user", "at", "id"], name="changeentry_user_at"),
            models.Index(fields=["model", "object_id", "at", "id"], name="changeentry_record_at"),
            models.Index(fields=["model", "at", "id"], name="changeentry_model_at"),
            # Scope filters are path prefixes (LIKE 'x%'): pattern ops make them indexable.
            models.Index(
                fields=["organisation_path", "at"],
                name="changeentry_org_at",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
            models.Index(
                fields=["id"],
                condition=models.Q(chain_seq__isnull=True),
                name="changeentry_unsealed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.model}#{self.object_id} {self.kind}"


class HistoryColumns(models.Model):
    """One set of history-table columns of one model, as hashed at the time: append-only."""

    model = models.CharField(max_length=100)
    columns = models.TextField()

    class Meta:
        verbose_name = _("历史字段集")
        verbose_name_plural = _("历史字段集")
        constraints = [
            models.UniqueConstraint(fields=["model", "columns"], name="historycolumns_unique")
        ]

    def __str__(self) -> str:
        return f"{self.model}: {self.columns}"

    @property
    def names(self) -> list[str]:
        return self.columns.split(",")


class ChainHead(models.Model):
    """The end of one chain ("change" or "access"): last sequence number and digest.

    The sealer locks this row, so chain numbers are handed out one writer at a time.
    """

    name = models.CharField(max_length=20, primary_key=True)
    seq = models.BigIntegerField(default=0)
    digest = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"{self.name}: {self.seq}"


class VerifiedPosition(models.Model):
    """Where the last clean `verify_audit` run reached, so the next run continues from there.

    The body (both chains' sequence number and digest there, the last access-log id, the last
    history id per model) is signed with the chain key: a position advanced by hand fails its
    signature, is reported, and the run falls back to a full verification.
    """

    name = models.CharField(max_length=20, primary_key=True)
    body = models.TextField()
    key_id = models.CharField(max_length=12)
    signature = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("已验证位置")
        verbose_name_plural = _("已验证位置")

    def __str__(self) -> str:
        return f"{self.name}: {self.at:%Y-%m-%d %H:%M}"
