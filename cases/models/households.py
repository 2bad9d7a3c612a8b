"""The household of a hardship file: its members and its rigid expenses (刚性支出).

One household, one file: a member's ID number belongs to at most one live file, checked by
`cases.services.households` (the applicant counts as a member of their own file).
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.idnumbers import validate_id_number
from core.formatting import mask


class Relation(models.TextChoices):
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    PARENT_IN_LAW = "parent_in_law", _("配偶父母")
    SIBLING = "sibling", _("兄弟姐妹")
    GRANDCHILD = "grandchild", _("孙子女")
    OTHER = "other", _("其他")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    CHRONIC = "chronic", _("慢性病")
    SERIOUS = "serious", _("重大疾病")
    DISABLED = "disabled", _("残疾")


class MedicalInsurance(models.TextChoices):
    EMPLOYEE = "employee", _("职工医保")
    RESIDENT = "resident", _("城乡居民医保")
    NONE = "none", _("无")


class MemberStatus(models.TextChoices):
    WORKING = "working", _("在业")
    UNEMPLOYED = "unemployed", _("失业/无业")
    STUDENT = "student", _("在学")
    RETIRED = "retired", _("退休")
    DECEASED = "deceased", _("已故")


class HouseholdMember(models.Model):
    """A member of the applicant's household, other than the applicant."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("困难职工档案"),
        on_delete=models.PROTECT,
        related_name="household_members",
    )
    relation = models.CharField(_("与申请人关系"), max_length=20, choices=Relation.choices)
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(
        _("身份证号"), max_length=18, validators=[validate_id_number], db_index=True
    )
    health = models.CharField(
        _("健康状况"), max_length=20, choices=Health.choices, default=Health.HEALTHY
    )
    medical_insurance = models.CharField(
        _("医疗保险"),
        max_length=20,
        choices=MedicalInsurance.choices,
        default=MedicalInsurance.RESIDENT,
    )
    monthly_income = models.DecimalField(
        _("月收入（元）"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField(
        _("状况"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.WORKING
    )
    school_or_employer = models.CharField(_("就读学校或工作单位"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "id_number"], name="householdmember_once_per_file"
            ),
            models.CheckConstraint(
                condition=models.Q(monthly_income__gte=0),
                name="householdmember_income_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_relation_display()}）"

    @property
    def masked_id_number(self) -> str:
        return mask(self.id_number)

    @property
    def counts(self) -> bool:
        """A deceased member no longer counts in the household's size or income."""
        return self.status != MemberStatus.DECEASED


class ExpenseKind(models.TextChoices):
    MEDICAL = "medical", _("医疗")
    EDUCATION = "education", _("教育")
    RENT = "rent", _("房租")
    CARE = "care", _("护理")
    OTHER = "other", _("其他")


class RigidExpense(models.Model):
    """A necessary monthly expense of the household, deducted from its income for the tier."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("困难职工档案"),
        on_delete=models.PROTECT,
        related_name="rigid_expenses",
    )
    kind = models.CharField(_("支出类别"), max_length=20, choices=ExpenseKind.choices)
    monthly_amount = models.DecimalField(
        _("月支出（元）"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    evidence = models.ForeignKey(
        "cases.Attachment",
        verbose_name=_("证明材料"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("走访时上传的票据或证明（照片或扫描件）。"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("刚性支出")
        verbose_name_plural = _("刚性支出")
        ordering = ["case", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monthly_amount__gt=0), name="rigidexpense_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.monthly_amount}"
