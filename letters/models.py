from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class LetterTemplate(models.Model):
    """A campaign's letter: plain text with `{{占位符}}`, see `letters.placeholders`.

    Changed only through `letters.services.save_letter_template`, which validates the text.
    """

    campaign = models.OneToOneField(
        "payments.Campaign",
        verbose_name=_("慰问活动"),
        on_delete=models.CASCADE,
        related_name="letter_template",
    )
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(
        _("正文"),
        help_text=_("第一行为称谓（不缩进），其后每行为一个段落（首行缩进两字）。"),
    )
    signature = models.TextField(
        _("落款"), help_text=_("右下角的落款，每行一行，通常为发文单位和日期。")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("修改时间"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("慰问信模板")
        verbose_name_plural = _("慰问信模板")
        ordering = ["campaign"]
        permissions = [("print_letter", _("可打印慰问信和签收表"))]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("letters:template_edit", args=[self.campaign_id])


class PrintKind(models.TextChoices):
    LETTER = "letter", _("慰问信")
    SIGNOFF = "signoff", _("签收表")
    RECUPERATION_ROSTER = "recup_roster", _("疗休养名册")
    RECUPERATION_NOTICE = "recup_notice", _("疗休养通知书")
    FILE_SHEET = "file_sheet", _("困难职工档案表")


class PrintChannel(models.TextChoices):
    WEB = "web", _("网页")
    JOB = "job", _("后台任务")
    COMMAND = "command", _("命令行")


class PrintRecord(models.Model):
    """One rendering of letters or a sign-off sheet: who, when, what, which payments.

    Append-only. The payments of a print are rows of `PrintedPayment` (bulk-inserted, so a
    1,000-letter campaign is one insert), indexed by payment for the payment's print history.
    `organisation` is the printer's organisation at the time: it places the record in the
    auditors' scope.
    """

    kind = models.CharField(_("类型"), max_length=12, choices=PrintKind.choices)
    channel = models.CharField(_("方式"), max_length=10, choices=PrintChannel.choices)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("打印人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    printed_by_name = models.CharField(_("打印人名称"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        "cases.Organisation",
        verbose_name=_("打印人单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    printed_at = models.DateTimeField(_("打印时间"), default=timezone.now, db_index=True)
    campaign = models.ForeignKey(
        "payments.Campaign",
        verbose_name=_("慰问活动"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    batch = models.ForeignKey(
        "payments.DisbursementBatch",
        verbose_name=_("发放批次"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("个案"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    payment_count = models.PositiveIntegerField(_("笔数"), default=0)
    page_count = models.PositiveIntegerField(_("页数"), default=0)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    payments = models.ManyToManyField(
        "payments.Payment",
        verbose_name=_("慰问金"),
        through="PrintedPayment",
        related_name="+",
    )

    class Meta:
        verbose_name = _("打印记录")
        verbose_name_plural = _("打印记录")
        ordering = ["-printed_at", "-id"]
        indexes = [models.Index(fields=["organisation", "printed_at"])]

    def __str__(self) -> str:
        when = timezone.localtime(self.printed_at)
        return f"{self.get_kind_display()} · {self.printed_by_name} · {when:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("letters:print_log") + f"?record={self.pk}"


class PrintedPayment(models.Model):
    record = models.ForeignKey(
        PrintRecord, verbose_name=_("打印记录"), on_delete=models.PROTECT, related_name="lines"
    )
    payment = models.ForeignKey(
        "payments.Payment",
        verbose_name=_("慰问金"),
        on_delete=models.PROTECT,
        related_name="print_lines",
    )

    class Meta:
        verbose_name = _("打印明细")
        verbose_name_plural = _("打印明细")
        constraints = [
            models.UniqueConstraint(fields=["record", "payment"], name="printed_payment_unique")
        ]
        indexes = [models.Index(fields=["payment", "record"])]

    def __str__(self) -> str:
        return f"{self.record_id} · {self.payment_id}"
