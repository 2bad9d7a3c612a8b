"""Recuperation programmes (疗休养): programme → sessions (capacity) → quotas per union →
nominations (nominated → approved → confirmed → attended/absent, or rejected/declined and
replaced).

Every change goes through `recuperation.services`; the constraints below are the last defence
behind the services' row locks.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from payments.models import FundingSource


class ProgrammeKind(models.TextChoices):
    MEDICAL = "medical", _("医护人员休养")
    ADVANCED_WORKER = "advanced_worker", _("先进工作者疗休养")
    MODEL_WORKER = "model_worker", _("劳模疗休养")


class Programme(models.Model):
    """One year's recuperation programme, run by the federation (its `organisation`)."""

    name = models.CharField(_("项目名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    kind = models.CharField(_("项目类型"), max_length=20, choices=ProgrammeKind.choices)
    organisation = models.ForeignKey(
        "cases.Organisation",
        verbose_name=_("主办组织"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    funding_source = models.CharField(_("资金来源"), max_length=20, choices=FundingSource.choices)
    budget = models.DecimalField(
        _("预算（元）"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    repeat_window_years = models.PositiveSmallIntegerField(
        _("不重复安排年限"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("同类疗休养在此年限内不重复安排同一人。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("疗休养项目")
        verbose_name_plural = _("疗休养项目")
        ordering = ["-year", "name", "id"]
        permissions = [
            ("manage_programme", _("可设置疗休养项目、批次和名额")),
            ("nominate", _("可推荐疗休养人员并登记本人答复")),
            ("approve_nomination", _("可审批疗休养推荐")),
            ("record_attendance", _("可登记疗休养参加情况和费用")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget__gte=0), name="recup_programme_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(repeat_window_years__gte=1),
                name="recup_programme_window_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("recuperation:programme_detail", args=[self.pk])


class Session(models.Model):
    """One stay (期次): where, who provides it, when, how many places, what a place costs."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("疗休养项目"), on_delete=models.PROTECT, related_name="sessions"
    )
    destination = models.CharField(_("目的地"), max_length=100)
    provider = models.CharField(_("接待机构"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    capacity = models.PositiveIntegerField(_("名额"), validators=[MinValueValidator(1)])
    cost_per_person = models.DecimalField(
        _("人均费用（元）"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    registration_deadline = models.DateField(_("报名截止日期"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("疗休养批次")
        verbose_name_plural = _("疗休养批次")
        ordering = ["programme", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="recup_session_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(registration_deadline__lte=models.F("starts_on")),
                name="recup_session_deadline_before_start",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="recup_session_capacity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(cost_per_person__gte=0), name="recup_session_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.destination}（{self.starts_on:%Y-%m-%d}—{self.ends_on:%Y-%m-%d}）"

    def get_absolute_url(self) -> str:
        return reverse("recuperation:session_detail", args=[self.pk])


class Quota(models.Model):
    """A union's places in a programme; they cover the union's subtree."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("疗休养项目"), on_delete=models.PROTECT, related_name="quotas"
    )
    organisation = models.ForeignKey(
        "cases.Organisation", verbose_name=_("基层工会"), on_delete=models.PROTECT, related_name="+"
    )
    places = models.PositiveIntegerField(_("名额"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("疗休养名额")
        verbose_name_plural = _("疗休养名额")
        ordering = ["programme", "organisation__tree_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organisation"], name="recup_quota_one_per_union"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.organisation} · {self.places}"


class NominationStatus(models.TextChoices):
    NOMINATED = "nominated", _("已推荐")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    CONFIRMED = "confirmed", _("本人已确认")
    DECLINED = "declined", _("本人放弃")
    ATTENDED = "attended", _("已参加")
    ABSENT = "absent", _("未参加")


# Nominations that hold a union's quota place (and block the person from a second one).
LIVE_STATUSES = (
    NominationStatus.NOMINATED,
    NominationStatus.APPROVED,
    NominationStatus.CONFIRMED,
    NominationStatus.ATTENDED,
    NominationStatus.ABSENT,
)
# Nominations that hold a place in the session (approved by the federation).
SEATED_STATUSES = (
    NominationStatus.APPROVED,
    NominationStatus.CONFIRMED,
    NominationStatus.ATTENDED,
    NominationStatus.ABSENT,
)


class Nomination(models.Model):
    """A person put forward by a union for a session, and everything that happened to it."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("疗休养项目"), on_delete=models.PROTECT, related_name="+"
    )
    session = models.ForeignKey(
        Session, verbose_name=_("疗休养批次"), on_delete=models.PROTECT, related_name="nominations"
    )
    quota = models.ForeignKey(
        Quota, verbose_name=_("名额"), on_delete=models.PROTECT, related_name="nominations"
    )
    person = models.ForeignKey(
        "cases.Person",
        verbose_name=_("职工"),
        on_delete=models.PROTECT,
        related_name="recuperation_nominations",
    )
    # The quota's union: places the nomination in the union's scope (and the auditors').
    organisation = models.ForeignKey(
        "cases.Organisation", verbose_name=_("推荐单位"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=NominationStatus.choices,
        default=NominationStatus.NOMINATED,
        db_index=True,
    )
    emergency_contact = models.CharField(_("紧急联系人及电话"), max_length=100, blank=True)
    special_needs = models.CharField(_("特殊需求"), max_length=200, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("替补自"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("推荐人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    nominated_at = models.DateTimeField(_("推荐时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    cost = models.DecimalField(
        _("费用（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("疗休养推荐")
        verbose_name_plural = _("疗休养推荐")
        ordering = ["session", "organisation__tree_order", "person__name", "id"]
        indexes = [models.Index(fields=["organisation", "status"], name="recup_nom_org_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person"],
                condition=models.Q(status__in=[s.value for s in LIVE_STATUSES]),
                name="recup_one_live_nomination_per_programme",
            ),
            models.CheckConstraint(
                condition=models.Q(cost__isnull=True) | models.Q(cost__gte=0),
                name="recup_nomination_cost_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.session}"

    def get_absolute_url(self) -> str:
        return reverse("recuperation:nomination_detail", args=[self.pk])
