from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Allocation(models.Model):
    """Part of a campaign's budget and places (下拨) given to one union and its sub-unions.

    Once a campaign has allocations, a payment is approved only against the allocation that
    covers its organisation (see `payments.services.allocations`); allocations of one campaign
    never overlap (no union together with one of its ancestors) and never add up to more than
    the budget.
    """

    campaign = models.ForeignKey(
        "payments.Campaign",
        verbose_name=_("慰问活动"),
        on_delete=models.CASCADE,
        related_name="allocations",
    )
    organisation = models.ForeignKey(
        "cases.Organisation",
        verbose_name=_("下拨单位"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    amount = models.DecimalField(_("下拨金额（元）"), max_digits=12, decimal_places=2)
    places = models.PositiveIntegerField(_("名额"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("下拨人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("下拨")
        verbose_name_plural = _("下拨")
        ordering = ["campaign", "organisation__tree_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"], name="allocation_one_per_union"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=Decimal("0")), name="allocation_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} → {self.organisation}: {self.amount}"
