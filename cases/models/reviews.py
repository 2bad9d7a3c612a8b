"""The yearly review (年度复核) of a hardship file, with the household figures it rested on."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .cases import ExitReason, HardshipLevel


class ReviewOutcome(models.TextChoices):
    KEEP = "keep", _("保留")
    REGRADE = "regrade", _("调级")
    EXIT = "exit", _("脱困")
    WITHDRAW = "withdraw", _("退档")


class CaseReview(models.Model):
    """One file, one year: the home visit it rests on, the income snapshot, the decision."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("困难职工档案"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    year = models.PositiveSmallIntegerField(_("复核年度"))
    visit = models.ForeignKey(
        "cases.Visit", verbose_name=_("入户走访"), on_delete=models.PROTECT, related_name="+"
    )
    household_size = models.PositiveSmallIntegerField(_("家庭人口"))
    household_monthly_income = models.DecimalField(
        _("家庭月收入（元）"), max_digits=12, decimal_places=2
    )
    rigid_expenses = models.DecimalField(_("刚性支出（元/月）"), max_digits=12, decimal_places=2)
    line = models.DecimalField(
        _("低保标准（元/人·月）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    suggested_level = models.CharField(
        _("系统建议类别"), max_length=20, choices=HardshipLevel.choices, blank=True
    )
    tier_basis = models.JSONField(_("测算依据"), default=dict, blank=True)
    previous_level = models.CharField(_("原困难类别"), max_length=20, choices=HardshipLevel.choices)
    decided_level = models.CharField(
        _("复核后困难类别"), max_length=20, choices=HardshipLevel.choices, blank=True
    )
    outcome = models.CharField(_("复核结果"), max_length=20, choices=ReviewOutcome.choices)
    exit_reason = models.CharField(
        _("脱困/退档原因"), max_length=20, choices=ExitReason.choices, blank=True
    )
    note = models.TextField(_("复核意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_on = models.DateField(_("复核日期"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人（上级工会）"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    approved_on = models.DateField(_("审批日期"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度复核")
        verbose_name_plural = _("年度复核")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "year"], name="casereview_once_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_outcome_display()}"

    @property
    def is_approved(self) -> bool:
        return self.approved_on is not None
