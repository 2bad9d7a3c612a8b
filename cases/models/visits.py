import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.choices import ChoiceLabels


class VisitKind(models.TextChoices):
    HOME = "home", _("入户")
    HOSPITAL = "hospital", _("医院")
    WORKPLACE = "workplace", _("单位")
    PHONE = "phone", _("电话")


class Visit(ChoiceLabels, models.Model):
    """A visit to the person of a case: who went, what was found and handed over."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("个案"), on_delete=models.PROTECT, related_name="visits"
    )
    visit_date = models.DateField(_("走访日期"))
    kind = models.CharField(_("走访方式"), max_length=20, choices=VisitKind.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    companions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("同行人员"), blank=True, related_name="+"
    )
    companions_note = models.CharField(_("其他同行人员"), max_length=200, blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    findings = models.TextField(_("了解到的情况"))
    needs = models.TextField(_("需求"), blank=True)
    goods_handed_over = models.CharField(_("送达物品"), max_length=200, blank=True)
    goods_value = models.DecimalField(
        _("物品价值（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    money_handed_over = models.DecimalField(
        _("送达现金（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    follow_up_on = models.DateField(_("回访日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    history = HistoricalRecords(m2m_fields=["companions"])

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visit_date", "-id"]
        indexes = [
            models.Index(fields=["case", "visit_date"]),
            models.Index(fields=["follow_up_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(goods_value__isnull=True) | models.Q(goods_value__gte=0),
                name="visit_goods_value_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(money_handed_over__isnull=True)
                | models.Q(money_handed_over__gte=0),
                name="visit_money_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit_date} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("cases:visit_detail", args=[self.pk])


def attachment_path(instance: "Attachment", filename: str) -> str:
    """A random name, so nothing about the person leaks from the file system."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A photo or scan of a visit; served only through a scope-checking view."""

    visit = models.ForeignKey(
        "cases.Visit",
        verbose_name=_("走访记录"),
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    thumbnail = models.FileField(_("缩略图"), upload_to=attachment_path, max_length=200, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=50)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("cases:attachment_download", args=[self.pk])
