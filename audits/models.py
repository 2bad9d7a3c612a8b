from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    REVEAL = "reveal", _("查看敏感信息")
    EXPORT = "export", _("导出")
    PRINT = "print", _("打印")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    DENIED = "denied", _("权限不足被拒绝")
    FOUR_EYES = "four_eyes", _("违反双人审批被拒绝")
    OUT_OF_SCOPE = "out_of_scope", _("越权访问被拒绝")


class AccessLog(models.Model):
    """Who looked at, exported, printed or was refused what — append-only."""

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
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"
