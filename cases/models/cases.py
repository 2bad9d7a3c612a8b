import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.choices import ChoiceLabels


class CaseCategory(models.TextChoices):
    HARDSHIP = "hardship", _("困难职工帮扶")
    FRONTLINE = "frontline", _("抗疫一线关爱")
    HUBEI_TEAM = "hubei_team", _("援鄂医疗队员慰问")
    RECUPERATION = "recuperation", _("疗休养")
    OCCASION = "occasion", _("节日/特殊日慰问")
    CONDOLENCE = "condolence", _("患病/去世慰问")


class HardshipLevel(models.TextChoices):
    DEEP = "deep", _("深度困难")
    RELATIVE = "relative", _("相对困难")
    ACCIDENT = "accident", _("意外致困")


class HardshipCause(models.TextChoices):
    ILLNESS = "illness", _("患病")
    DISABILITY = "disability", _("残疾")
    ACCIDENT = "accident", _("意外事故")
    DISASTER = "disaster", _("灾害")
    UNEMPLOYMENT = "unemployment", _("家庭成员失业")
    EDUCATION = "education", _("子女教育负担")
    OTHER = "other", _("其他")


class Occasion(models.TextChoices):
    CHILDRENS_DAY = "childrens_day", _("六一儿童节")
    DISABILITY_DAY = "disability_day", _("全国助残日")
    AIDS_DAY = "aids_day", _("世界艾滋病日")
    SPRING_FESTIVAL = "spring_festival", _("春节")
    NEW_YEAR = "new_year", _("元旦")
    WOMENS_DAY = "womens_day", _("三八妇女节")
    LABOUR_DAY = "labour_day", _("五一劳动节")
    NURSES_DAY = "nurses_day", _("护士节")
    DOCTORS_DAY = "doctors_day", _("中国医师节")
    DOUBLE_NINTH = "double_ninth", _("重阳节")
    INTL_DISABILITY_DAY = "intl_disability_day", _("国际残疾人日")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("待核实")
    VERIFIED = "verified", _("已核实")
    CLOSED = "closed", _("已结案")


class ClosingReason(models.TextChoices):
    RESOLVED = "resolved", _("已脱困")
    INELIGIBLE = "ineligible", _("不再符合条件")
    DECEASED = "deceased", _("已去世")
    MOVED = "moved", _("已迁出")


class FileStage(models.TextChoices):
    """Where a hardship file (困难职工档案) stands: application → 公示 → in file → exit."""

    APPLIED = "applied", _("申请中")
    PUBLICISED = "publicised", _("公示中")
    IN_FILE = "in_file", _("在档")
    EXITED = "exited", _("已脱困")
    WITHDRAWN = "withdrawn", _("已退档")


class ExitReason(models.TextChoices):
    """Why a file left: 脱困 (out of hardship) or 退档 (taken off the register)."""

    INCOME_ABOVE_LINE = "income_above_line", _("收入超过标准")
    EMPLOYED = "employed", _("家庭成员就业")
    RECOVERED = "recovered", _("病情好转")
    RETIRED = "retired", _("退休")
    MOVED = "moved", _("迁出")
    DECEASED = "deceased", _("去世")
    FALSE_CLAIM = "false_claim", _("申报不实")
    OTHER = "other", _("其他")


REVIEW_INTERVAL = datetime.timedelta(days=365)


class Case(ChoiceLabels, models.Model):
    """One person, one category, one story. State changes only through `cases.services`."""

    person = models.ForeignKey(
        "cases.Person", verbose_name=_("职工"), on_delete=models.PROTECT, related_name="cases"
    )
    category = models.CharField(_("类别"), max_length=20, choices=CaseCategory.choices)
    hardship_level = models.CharField(
        _("困难类别"), max_length=20, choices=HardshipLevel.choices, blank=True
    )
    suggested_level = models.CharField(
        _("系统建议类别"), max_length=20, choices=HardshipLevel.choices, blank=True
    )
    level_override_reason = models.TextField(_("调整类别理由"), blank=True)
    causes = models.JSONField(_("致困原因"), default=list, blank=True)
    occasion = models.CharField(_("慰问节日"), max_length=20, choices=Occasion.choices, blank=True)
    organisation = models.ForeignKey(
        "cases.Organisation",
        verbose_name=_("立案单位"),
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_("立案时从职工所在单位复制。"),
    )
    summary = models.TextField(_("情况摘要"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("立案人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("立案时间"), default=timezone.now)
    last_verified_on = models.DateField(_("最近核实日期"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closing_reason = models.CharField(
        _("结案原因"), max_length=20, choices=ClosingReason.choices, blank=True
    )
    closing_note = models.TextField(_("结案说明"), blank=True)
    # The hardship file (困难职工档案): only hardship cases carry a stage.
    file_stage = models.CharField(
        _("建档状态"), max_length=20, choices=FileStage.choices, blank=True
    )
    applied_on = models.DateField(_("申请日期"), null=True, blank=True)
    publicity_starts_on = models.DateField(_("公示开始日期"), null=True, blank=True)
    publicity_ends_on = models.DateField(_("公示结束日期"), null=True, blank=True)
    publicity_objections = models.TextField(_("公示异议"), blank=True)
    file_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("建档审批人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    file_approved_on = models.DateField(_("建档审批日期"), null=True, blank=True)
    file_opinion = models.TextField(_("上级工会意见"), blank=True)
    reviewed_for_year = models.PositiveSmallIntegerField(
        _("已复核年度"),
        null=True,
        blank=True,
        help_text=_("建档或年度复核所在的年度；此后的年度须复核后才能发放困难帮扶金。"),
    )
    accident_loss = models.DecimalField(
        _("意外损失金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    tier_basis = models.JSONField(
        _("困难类别测算依据"),
        default=dict,
        blank=True,
        help_text=_("最近一次决定困难类别时的测算数据（家庭人口、收入、刚性支出、低保标准）。"),
    )
    exit_reason = models.CharField(
        _("脱困/退档原因"), max_length=20, choices=ExitReason.choices, blank=True
    )
    exited_on = models.DateField(_("脱困/退档日期"), null=True, blank=True)
    exit_note = models.TextField(_("脱困/退档说明"), blank=True)
    return_count = models.PositiveSmallIntegerField(_("返困次数"), default=0)
    returned_on = models.DateField(_("最近返困日期"), null=True, blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("归档人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("帮扶个案")
        verbose_name_plural = _("帮扶个案")
        ordering = ["-opened_at", "-id"]
        permissions = [("approve_hardship_file", _("可审批困难职工建档（上级工会）"))]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "category"],
                condition=~models.Q(status="closed"),
                name="case_one_live_case_per_person_category",
                violation_error_message=_("该职工已有同类别的未结案个案。"),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(closing_reason=""),
                name="case_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(category="hardship") | models.Q(file_stage=""),
                name="case_file_stage_only_hardship",
            ),
            models.CheckConstraint(
                condition=models.Q(archived_at__isnull=True) | models.Q(status="closed"),
                name="case_archived_is_closed",
            ),
            models.CheckConstraint(
                condition=~models.Q(file_stage="in_file")
                | (
                    models.Q(file_approved_on__isnull=False)
                    & models.Q(reviewed_for_year__isnull=False)
                ),
                name="case_in_file_is_approved",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "category"]),
            models.Index(fields=["category", "status", "last_verified_on"]),
            models.Index(fields=["person", "file_stage", "reviewed_for_year"]),
            # The case list's order (newest first, read backwards): a page is an index range.
            models.Index(fields=["opened_at", "id"], name="case_list_order"),
            # The statistics' file figures: an index-only scan of the hardship files, not a
            # scan of every case.
            models.Index(
                fields=[
                    "organisation",
                    "file_stage",
                    "hardship_level",
                    "file_approved_on",
                    "closed_at",
                    "id",
                ],
                condition=models.Q(category="hardship"),
                name="case_file_figures",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.get_category_display()}"

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", args=[self.pk])

    @property
    def cause_labels(self) -> list[str]:
        return [str(HardshipCause(c).label) for c in self.causes if c in HardshipCause.values]

    @property
    def is_review_overdue(self) -> bool:
        """Hardship cases must be re-verified every year (动态管理)."""
        if self.category != CaseCategory.HARDSHIP or self.status == CaseStatus.CLOSED:
            return False
        if self.last_verified_on is None:
            return False
        return timezone.localdate() - self.last_verified_on > REVIEW_INTERVAL
