"""The calendar of occasions (节日/特殊日) and the visits planned for them.

An occasion falls on a fixed day of the Gregorian calendar (三八 3·8, 护士节 5·12) or, for the
lunar festivals (春节, 重阳), on a date kept per year in `OccasionDate`, because the lunar date
moves and no rule worth maintaining computes it. Each occasion names the people it concerns by
their flags; planned visits are generated for them, per union, some days ahead.
"""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Concern(models.TextChoices):
    """The flags an occasion looks for; a person with any of them is concerned."""

    HARDSHIP = "hardship", _("困难职工（有未结案的困难帮扶个案）")
    FRONTLINE_MEDICAL = "frontline_medical", _("抗疫一线医务人员")
    HUBEI_TEAM = "hubei_team", _("援鄂医疗队员")
    MODEL_WORKER = "model_worker", _("劳模")
    DISABLED = "disabled", _("残疾")


class Audience(models.TextChoices):
    """A further restriction on the concerned people (三八 is for women, 重阳 for retirees)."""

    ALL = "all", _("不限")
    WOMEN = "women", _("仅女职工")
    RETIRED = "retired", _("仅退休职工")


class OccasionDay(models.Model):
    """One occasion of the calendar. The federation's own are added by administrators."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    month = models.PositiveSmallIntegerField(
        _("月"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("公历节日的月、日；农历节日留空，在下方逐年填写日期。"),
    )
    day = models.PositiveSmallIntegerField(
        _("日"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    concerns = models.JSONField(
        _("慰问对象"), default=list, help_text=_("具有其中任一标记的职工为慰问对象。")
    )
    audience = models.CharField(
        _("对象范围"), max_length=10, choices=Audience.choices, default=Audience.ALL
    )
    lead_days = models.PositiveSmallIntegerField(
        _("提前天数"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("节日前多少天生成计划走访。"),
    )
    organisation = models.ForeignKey(
        "cases.Organisation",
        verbose_name=_("适用组织"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("留空为全市；填写时只为该组织及其下级生成计划走访。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("慰问节日")
        verbose_name_plural = _("慰问节日")
        ordering = ["month", "day", "code"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(month__isnull=True) & models.Q(day__isnull=True))
                | (models.Q(month__isnull=False) & models.Q(day__isnull=False)),
                name="occasionday_month_and_day_together",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_lunar(self) -> bool:
        return self.month is None

    @property
    def concern_labels(self) -> list[str]:
        return [str(Concern(c).label) for c in self.concerns if c in Concern.values]

    def fixed_date(self, year: int) -> datetime.date | None:
        """The Gregorian date in `year` (None for a lunar occasion or 2·29 in a common year)."""
        if self.month is None or self.day is None:
            return None
        try:
            return datetime.date(year, self.month, self.day)
        except ValueError:
            return None


class OccasionDate(models.Model):
    """The date of a lunar occasion in one year (春节 2027 is 2 月 6 日)."""

    occasion = models.ForeignKey(
        OccasionDay, verbose_name=_("节日"), on_delete=models.CASCADE, related_name="dates"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    date = models.DateField(_("日期"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("节日日期")
        verbose_name_plural = _("节日日期")
        ordering = ["occasion", "year"]
        constraints = [
            models.UniqueConstraint(fields=["occasion", "year"], name="occasiondate_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.occasion} {self.date.isoformat()}"


class PlannedVisit(models.Model):
    """A visit the union should pay a concerned person for one occurrence of an occasion.

    Written only by the generator (`cases.services.occasions.plan_occasion_visits`), never
    edited, so it keeps no history of its own. It is done when the person has any visit dated
    from `starts_on` on: the visit, which has history, is the record of the work.
    """

    occasion = models.ForeignKey(
        OccasionDay, verbose_name=_("节日"), on_delete=models.PROTECT, related_name="planned"
    )
    due_on = models.DateField(_("节日日期"))
    starts_on = models.DateField(_("计划开始"))
    person = models.ForeignKey(
        "cases.Person", verbose_name=_("职工"), on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "cases.Organisation",
        verbose_name=_("所在单位"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("生成时职工的所在单位，由它负责走访。"),
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("计划走访")
        verbose_name_plural = _("计划走访")
        ordering = ["due_on", "organisation_id", "person_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["occasion", "due_on", "person"], name="plannedvisit_once_per_occasion"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "due_on"], name="plannedvisit_union_due"),
            models.Index(fields=["due_on", "occasion"], name="plannedvisit_due"),
        ]

    def __str__(self) -> str:
        return f"{self.occasion} · {self.person_id} · {self.due_on.isoformat()}"
