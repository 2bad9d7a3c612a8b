from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.choices import ChoiceLabels
from core.formatting import mask

from .items import AssistanceItem


class PaymentStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已审批")
    SECOND_APPROVED = "second_approved", _("已复审")
    IN_BATCH = "in_batch", _("发放中")
    PAID = "paid", _("已发放")
    FAILED = "failed", _("发放失败")
    REJECTED = "rejected", _("已驳回")
    CANCELLED = "cancelled", _("已取消")
    REVERSED = "reversed", _("已冲销")


# "Live" in the brief's sense: counts against the one-payment-per-person-per-campaign rule.
LIVE_STATUSES = tuple(
    s for s in PaymentStatus.values if s not in (PaymentStatus.REJECTED, PaymentStatus.CANCELLED)
)


class PaymentMethod(models.TextChoices):
    BANK = "bank", _("银行转账")
    CASH = "cash", _("现金签收")


class Payment(ChoiceLabels, models.Model):
    """Money for one case within one campaign. Changed only by `payments.services`.

    `person` and `organisation` are copied from the case when the payment is drafted, so the
    "one live payment per person per campaign" rule is a database constraint and the scope
    filter needs no join.
    """

    reference = models.CharField(_("付款编号"), max_length=20, unique=True)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("个案"), on_delete=models.PROTECT, related_name="payments"
    )
    person = models.ForeignKey(
        "cases.Person", verbose_name=_("职工"), on_delete=models.PROTECT, related_name="payments"
    )
    organisation = models.ForeignKey(
        "cases.Organisation",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    campaign = models.ForeignKey(
        "payments.Campaign",
        verbose_name=_("慰问活动"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    standard_amount = models.DecimalField(
        _("标准金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    justification = models.TextField(_("金额与标准不符的说明"), blank=True)
    method = models.CharField(_("发放方式"), max_length=10, choices=PaymentMethod.choices)
    # Blank only on payments drafted before items existed; every new draft names one.
    assistance_item = models.CharField(
        _("救助项目"), max_length=20, choices=AssistanceItem.choices, blank=True
    )
    purpose = models.CharField(_("用途"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"), help_text=_("计入每人年度上限的日历年度。"))
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=PaymentStatus.choices,
        default=PaymentStatus.DRAFT,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("起草时间"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    second_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复审人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    second_approved_at = models.DateTimeField(_("复审时间"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("驳回人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rejected_at = models.DateTimeField(_("驳回时间"), null=True, blank=True)
    rejection_reason = models.TextField(_("驳回理由"), blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("取消人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    paid_at = models.DateTimeField(_("发放时间"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记发放人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    failed_at = models.DateTimeField(_("失败登记时间"), null=True, blank=True)
    bank_serial = models.CharField(_("银行流水号"), max_length=64, blank=True)
    failure_reason = models.CharField(_("失败原因"), max_length=200, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("冲销人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reversed_at = models.DateTimeField(_("冲销时间"), null=True, blank=True)
    reversal_reason = models.TextField(_("冲销理由"), blank=True)
    # The payee as approved: the bank file and the sign-off sheets use these, never the person's
    # current details, so an account changed after approval pays nobody new until re-approved.
    payee_name = models.CharField(_("审批时户名"), max_length=50, blank=True)
    payee_bank = models.CharField(_("审批时开户行"), max_length=100, blank=True)
    payee_account = models.CharField(_("审批时银行账号"), max_length=32, blank=True)
    batch = models.ForeignKey(
        "payments.DisbursementBatch",
        verbose_name=_("发放批次"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("慰问金")
        verbose_name_plural = _("慰问金")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("approve_payment", _("可审批慰问金")),
            ("second_approve_payment", _("可复审大额慰问金")),
            ("manage_batch", _("可管理发放批次")),
            ("mark_payment_result", _("可登记发放结果")),
            ("reverse_payment", _("可冲销已发放款项")),
            ("export_bank_file", _("可导出含完整账号的银行文件")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "campaign"],
                condition=~models.Q(status__in=["rejected", "cancelled"]),
                name="payment_one_live_per_person_campaign",
                violation_error_message=_("该职工在本活动中已有一笔有效的慰问金。"),
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payment_amount_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="payment_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="reversed") | ~models.Q(reversal_reason=""),
                name="payment_reversal_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True)
                | ~models.Q(approved_by=models.F("submitted_by")),
                name="payment_four_eyes_first",
            ),
            models.CheckConstraint(
                condition=models.Q(second_approved_by__isnull=True)
                | (
                    ~models.Q(second_approved_by=models.F("approved_by"))
                    & ~models.Q(second_approved_by=models.F("submitted_by"))
                ),
                name="payment_four_eyes_second",
            ),
        ]
        indexes = [
            # A campaign's sums by state (its budget line, the approvals' committed money) read
            # from the index alone: the amount is carried in it (PostgreSQL; a plain index
            # elsewhere).
            models.Index(
                fields=["campaign", "status"], include=["amount"], name="payment_campaign_money"
            ),
            models.Index(fields=["organisation", "status", "submitted_at"]),
            models.Index(fields=["person", "year"]),
            models.Index(fields=["year", "assistance_item", "person"]),
            # The orders of the big lists, so a page is an index range, not a sort: a campaign's
            # payments (newest first) and the approval queue (oldest submission first).
            models.Index(fields=["campaign", "created_at", "id"], name="payment_campaign_list"),
            models.Index(fields=["status", "submitted_at", "id"], name="payment_queue_order"),
            # The statistics' lists behind the money figures: the payments paid, and those
            # reversed, in a period (`figures.selectors.movement_q`), as index ranges rather
            # than a scan of every payment; the organisation in the key for an officer's scope.
            models.Index(
                fields=["paid_at", "organisation"],
                condition=models.Q(status__in=["paid", "reversed"]),
                name="payment_paid_period",
            ),
            models.Index(
                fields=["reversed_at", "organisation"],
                condition=models.Q(status="reversed"),
                name="payment_reversed_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("payments:payment_detail", args=[self.pk])

    @property
    def is_fully_approved(self) -> bool:
        """Every approval it needs is given (see `payments.selectors.fully_approved_q`)."""
        if self.status == PaymentStatus.APPROVED:
            return not self.needs_second_approval
        return self.status in (
            PaymentStatus.SECOND_APPROVED,
            PaymentStatus.IN_BATCH,
            PaymentStatus.PAID,
        )

    @property
    def has_payee_snapshot(self) -> bool:
        return bool(self.approved_at)

    @property
    def payee_changed(self) -> bool:
        """The person's holder, bank or account differs from what was approved."""
        if not self.has_payee_snapshot:
            return False
        person = self.person
        return (self.payee_name, self.payee_bank, self.payee_account) != (
            person.name,
            person.bank_name,
            person.bank_account,
        )

    @property
    def payee_holder(self) -> str:
        """The name the money goes to: the approved one once there is one."""
        return self.payee_name or self.person.name

    @property
    def masked_payee_account(self) -> str:
        return mask(self.payee_account, keep_start=4, keep_end=4)

    @property
    def needs_second_approval(self) -> bool:
        return self.amount > self.campaign.second_approval_threshold


class ReferenceCounter(models.Model):
    """The last number handed out per key ("P2026", "B2026"); locked row by row while used."""

    key = models.CharField(_("键"), max_length=20, unique=True)
    value = models.PositiveIntegerField(_("当前值"), default=0)

    class Meta:
        verbose_name = _("编号计数器")
        verbose_name_plural = _("编号计数器")

    def __str__(self) -> str:
        return f"{self.key}: {self.value}"
