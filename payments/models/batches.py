from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class BatchStatus(models.TextChoices):
    OPEN = "open", _("待发送")
    SENT = "sent", _("已发送银行")
    RECONCILED = "reconciled", _("已对账")


class DisbursementBatch(models.Model):
    """Approved bank-transfer payments sent to the bank together, then reconciled."""

    reference = models.CharField(_("批次编号"), max_length=20, unique=True)
    campaign = models.ForeignKey(
        "payments.Campaign",
        verbose_name=_("慰问活动"),
        on_delete=models.PROTECT,
        related_name="batches",
    )
    organisation = models.ForeignKey(
        "cases.Organisation", verbose_name=_("付款组织"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发送人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    reconciled_at = models.DateTimeField(_("对账时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("发放批次")
        verbose_name_plural = _("发放批次")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("payments:batch_detail", args=[self.pk])


class BatchLineResult(models.TextChoices):
    PENDING = "pending", _("待回盘")
    PAID = "paid", _("成功")
    FAILED = "failed", _("失败")


class BatchLine(models.Model):
    """A payment's membership of a batch; kept after a failure so the record stays whole."""

    batch = models.ForeignKey(
        DisbursementBatch,
        verbose_name=_("发放批次"),
        on_delete=models.PROTECT,
        related_name="lines",
    )
    payment = models.ForeignKey(
        "payments.Payment",
        verbose_name=_("慰问金"),
        on_delete=models.PROTECT,
        related_name="batch_lines",
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    result = models.CharField(
        _("回盘结果"),
        max_length=20,
        choices=BatchLineResult.choices,
        default=BatchLineResult.PENDING,
    )
    bank_serial = models.CharField(_("银行流水号"), max_length=64, blank=True)
    failure_reason = models.CharField(_("失败原因"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("批次明细")
        verbose_name_plural = _("批次明细")
        ordering = ["batch", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "payment"], name="batchline_unique_payment"),
            # A payment is pending in at most one batch at a time.
            models.UniqueConstraint(
                fields=["payment"],
                condition=models.Q(result="pending"),
                name="batchline_one_pending_per_payment",
            ),
            # And paid at most once, ever.
            models.UniqueConstraint(
                fields=["payment"],
                condition=models.Q(result="paid"),
                name="batchline_paid_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch} · {self.payment}"
