"""The 低保 lines per district with their effective dates, and the federation's hardship policy."""

import datetime
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PovertyLine(models.Model):
    """A minimum-living-standard line (低保标准), per person per month, for one district.

    A blank district is the city-wide line, used where a district has none. A line applies from
    `effective_from` (rows from before districts existed carry only a year: from 1 January)
    until the district's next line.
    """

    year = models.PositiveSmallIntegerField(_("年度"))
    district = models.CharField(
        _("区县"), max_length=50, blank=True, help_text=_("留空表示全市统一标准。")
    )
    effective_from = models.DateField(
        _("执行日期"), null=True, blank=True, help_text=_("留空则自该年度1月1日起执行。")
    )
    monthly_amount = models.DecimalField(_("月标准（元/人）"), max_digits=12, decimal_places=2)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("低保标准")
        verbose_name_plural = _("低保标准")
        ordering = ["district", "-year", "-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monthly_amount__gt=0), name="povertyline_amount_positive"
            ),
            models.UniqueConstraint(
                fields=["district", "effective_from"],
                name="povertyline_once_per_district_date",
            ),
            models.UniqueConstraint(
                fields=["district", "year"],
                condition=models.Q(effective_from__isnull=True),
                name="povertyline_once_per_district_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district or _('全市')} {self.starts_on}: {self.monthly_amount}"

    @property
    def starts_on(self) -> datetime.date:
        return self.effective_from or datetime.date(self.year, 1, 1)


class HardshipPolicy(models.Model):
    """The federation's own figures for hardship files (one row per federation, the root)."""

    organisation = models.OneToOneField(
        "cases.Organisation",
        verbose_name=_("总工会"),
        on_delete=models.PROTECT,
        related_name="hardship_policy",
    )
    relative_multiplier = models.DecimalField(
        _("相对困难倍数"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("2.00"),
        help_text=_("人均收入（扣除刚性支出）低于低保标准的此倍数为相对困难。"),
    )
    accident_loss_months = models.PositiveSmallIntegerField(
        _("意外致困损失（月数）"),
        default=12,
        help_text=_("意外、灾害或重病造成的损失达到家庭月收入的此倍数，建议为意外致困。"),
    )
    upper_approval_ceiling = models.DecimalField(
        _("上级工会审批起点（元）"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("5000.00"),
        help_text=_("困难帮扶款项金额高于此数，须由上级工会的审批人审批。"),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("档案保存年限"), default=10, help_text=_("结案的档案只读保存的年数，期满后列入归档。")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("困难职工帮扶政策")
        verbose_name_plural = _("困难职工帮扶政策")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(relative_multiplier__gt=1),
                name="hardshippolicy_multiplier_above_one",
            ),
            models.CheckConstraint(
                condition=models.Q(upper_approval_ceiling__gt=0),
                name="hardshippolicy_ceiling_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(retention_years__gte=1),
                name="hardshippolicy_retention_positive",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)
