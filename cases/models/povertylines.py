from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PovertyLine(models.Model):
    """Local minimum-living-standard line (低保标准) per year, per person per month."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    monthly_amount = models.DecimalField(_("月标准（元/人）"), max_digits=12, decimal_places=2)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("低保标准")
        verbose_name_plural = _("低保标准")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monthly_amount__gt=0), name="povertyline_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.monthly_amount}"
