"""What waits for a user: the in-app inbox, and whether its daily digest goes out by e-mail.

A notification's text is stored as a source-language message and its parameters, and translated
when shown, so the inbox and the digest speak the reader's language whenever they are read.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    PAYMENT_SUBMITTED = "payment_submitted", _("慰问金待审批")
    PAYMENT_REJECTED = "payment_rejected", _("慰问金被驳回")
    SECOND_APPROVAL = "second_approval", _("待复审")
    BANK_RESULT = "bank_result", _("银行回盘已导入")
    FOLLOW_UP = "follow_up", _("回访到期")
    REVIEW_DUE = "review_due", _("年度复核到期")
    OCCASION = "occasion", _("节日临近")
    JOB_FINISHED = "job_finished", _("后台任务结束")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类型"), max_length=30, choices=NotificationKind.choices)
    message = models.CharField(_("内容"), max_length=300)  # source language, see `text`
    params = models.JSONField(_("参数"), default=dict, blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    # A periodic reminder (a follow-up, a review) is sent once per key and recipient.
    key = models.CharField(_("去重键"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["emailed_at", "recipient"], name="notification_digest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="notification_once_per_key",
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        try:
            return gettext(self.message) % self.params if self.params else gettext(self.message)
        except (KeyError, TypeError, ValueError):
            return self.message


class NotificationSetting(models.Model):
    """A user's choice about the daily e-mail digest (on unless turned off)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notification_setting",
    )
    email_digest = models.BooleanField(_("每日邮件摘要"), default=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def __str__(self) -> str:
        return f"{self.user}: {self.email_digest}"
