"""Assistance items (救助项目) and the federation's standards per hardship tier and item.

A payment carries an item; a standard says how much one household of a tier may receive for an
item in a calendar year, across every campaign (checked at approval, see
`payments.services.household_caps`).
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import HardshipLevel


class AssistanceItem(models.TextChoices):
    LIVING = "living", _("生活救助")
    MEDICAL = "medical", _("医疗救助")
    EDUCATION = "education", _("助学")
    WARMTH = "warmth", _("送温暖")
    FESTIVAL = "festival", _("节日慰问")
    RECUPERATION = "recuperation", _("疗休养")
    CONDOLENCE = "condolence", _("患病/去世慰问")
    OTHER = "other", _("其他")


# The item a payment gets when its campaign names none: by the campaign's kind.
ITEM_BY_CAMPAIGN_KIND = {
    "warmth": AssistanceItem.WARMTH,
    "occasion": AssistanceItem.FESTIVAL,
    "recuperation": AssistanceItem.RECUPERATION,
    "condolence": AssistanceItem.CONDOLENCE,
}


class StandardBasis(models.TextChoices):
    FIXED = "fixed", _("每户每年定额（元）")
    LINE_MONTHS = "line_months", _("低保标准的月数（按家庭人口）")
    SELF_PAID_SHARE = "self_paid_share", _("医疗自付费用的比例")
    PER_STUDENT = "per_student", _("每名在学成员定额（元）")


class AssistanceStandard(models.Model):
    """What one household of a tier may receive for an item in a year (the household cap)."""

    hardship_level = models.CharField(_("困难类别"), max_length=20, choices=HardshipLevel.choices)
    item = models.CharField(_("救助项目"), max_length=20, choices=AssistanceItem.choices)
    basis = models.CharField(_("计算方式"), max_length=20, choices=StandardBasis.choices)
    value = models.DecimalField(
        _("数值"),
        max_digits=12,
        decimal_places=2,
        help_text=_("定额填元；月数填月；比例填 0.01–1（如 0.70 表示自付费用的七成）。"),
    )
    note = models.CharField(_("依据"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("救助标准")
        verbose_name_plural = _("救助标准")
        ordering = ["hardship_level", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["hardship_level", "item"], name="assistancestandard_once_per_tier_item"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gt=Decimal("0")), name="assistancestandard_value_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(basis="self_paid_share") | models.Q(value__lte=Decimal("1")),
                name="assistancestandard_share_at_most_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_hardship_level_display()} · {self.get_item_display()}"
