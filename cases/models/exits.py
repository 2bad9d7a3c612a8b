"""Follow-up visits after a file leaves by 脱困: due 6 and 12 months after the exit."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ExitFollowUp(models.Model):
    """One follow-up due after 脱困; done when a visit is recorded against it."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("困难职工档案"),
        on_delete=models.PROTECT,
        related_name="exit_follow_ups",
    )
    exited_on = models.DateField(_("脱困日期"))
    months = models.PositiveSmallIntegerField(_("脱困后月数"))
    due_on = models.DateField(_("应回访日期"), db_index=True)
    visit = models.ForeignKey(
        "cases.Visit",
        verbose_name=_("回访记录"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("脱困回访")
        verbose_name_plural = _("脱困回访")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "exited_on", "months"], name="exitfollowup_once_per_exit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} +{self.months}"

    @property
    def is_done(self) -> bool:
        return self.visit_id is not None
