import re
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.idnumbers import validate_id_number, validate_mobile
from core.choices import ChoiceLabels
from core.formatting import mask

# Free-text fields that must never carry markup (they are escaped on output all the same).
MARKUP_CHECKED_FIELDS = ("name", "position", "address", "district", "bank_name")
_MARKUP = re.compile(r"[<>]")
_BANK_ACCOUNT = re.compile(r"^[0-9]{8,30}$")  # ASCII digits only


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class EmploymentStatus(models.TextChoices):
    IN_SERVICE = "in_service", _("在职")
    RETIRED = "retired", _("退休")


class Person(ChoiceLabels, models.Model):
    """An employee. The resident ID number is the deduplication key."""

    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    id_number = models.CharField(
        _("身份证号"), max_length=18, unique=True, validators=[validate_id_number]
    )
    # Last four characters of the ID number: officers search by "the tail" (index person_tail).
    id_tail = models.CharField(_("身份证号后四位"), max_length=4, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    mobile = models.CharField(
        _("手机号码"), max_length=11, blank=True, validators=[validate_mobile], db_index=True
    )
    organisation = models.ForeignKey(
        "cases.Organisation",
        verbose_name=_("所在单位"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    position = models.CharField(_("岗位"), max_length=50, blank=True)
    employment_status = models.CharField(
        _("在职状态"),
        max_length=20,
        choices=EmploymentStatus.choices,
        default=EmploymentStatus.IN_SERVICE,
    )
    household_size = models.PositiveSmallIntegerField(
        _("家庭人口"), default=1, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    household_monthly_income = models.DecimalField(
        _("家庭月收入（元）"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    address = models.CharField(_("住址"), max_length=200, blank=True)
    district = models.CharField(
        _("区县"), max_length=50, blank=True, help_text=_("按此区县的低保标准测算困难类别。")
    )
    bank_name = models.CharField(_("开户行"), max_length=100, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=32, blank=True, db_index=True)
    is_frontline_medical = models.BooleanField(_("抗疫一线医务人员"), default=False)
    is_hubei_team = models.BooleanField(_("援鄂医疗队员"), default=False)
    is_model_worker = models.BooleanField(_("劳模"), default=False)
    is_disabled = models.BooleanField(_("残疾"), default=False)
    deceased_on = models.DateField(
        _("去世日期"),
        null=True,
        blank=True,
        help_text=_("职工去世后填写：慰问信改为致家属的唁慰信，节日走访不再列入。"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("职工")
        verbose_name_plural = _("职工")
        ordering = ["organisation_id", "name", "id"]
        permissions = [("reveal_sensitive", _("可查看完整身份证号和银行账号"))]
        # The register's order, so a page of a big list is an index range, not a sort; and for
        # the search box, the ID tail and the name prefix each followed by the columns of that
        # order, so a search's page ids and its capped count come from the index alone (the
        # pattern opclass makes LIKE 'prefix%' an index range whatever the collation).
        indexes = [
            models.Index(fields=["organisation", "name", "id"], name="person_list_order"),
            models.Index(fields=["id_tail", "organisation", "name", "id"], name="person_tail"),
            models.Index(
                fields=["name", "organisation", "id"],
                name="person_name_prefix",
                opclasses=["varchar_pattern_ops", "int8_ops", "int8_ops"],
            ),
            # The statistics' coverage counts the few flagged people, not the million, and
            # matches the people paid against their ids: both from these indexes alone.
            models.Index(
                fields=["organisation", "id"],
                condition=models.Q(is_frontline_medical=True),
                name="person_frontline",
            ),
            models.Index(
                fields=["organisation", "id"],
                condition=models.Q(is_hubei_team=True),
                name="person_hubei",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(household_size__gte=1), name="person_household_size_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(household_monthly_income__gte=0),
                name="person_income_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.masked_id_number}）"

    def get_absolute_url(self) -> str:
        return reverse("cases:person_detail", args=[self.pk])

    def clean(self) -> None:
        """Text holds no markup; the gender agrees with the ID number's 17th digit (odd: male)."""
        from django.core.exceptions import ValidationError

        from cases.idnumbers import gender_of, normalise_id_number

        errors = {}
        for field in MARKUP_CHECKED_FIELDS:
            if _MARKUP.search(getattr(self, field) or ""):
                errors[field] = _("不能包含“<”或“>”：此处只接受文字，不接受HTML或脚本。")
        if self.bank_account and not _BANK_ACCOUNT.match(self.bank_account):
            errors["bank_account"] = _("银行账号应为8至30位数字。")
        if self.bank_account and not self.bank_name.strip():
            errors["bank_name"] = _("填写了银行账号时，请同时填写开户行。")
        number = normalise_id_number(self.id_number)
        digit_known = len(number) == 18 and number[16].isdigit()
        if digit_known and self.gender and gender_of(number) != self.gender:
            errors["gender"] = _("性别与身份证号第17位不一致（奇数为男，偶数为女）。")
        if self.deceased_on is not None:
            if self.deceased_on > timezone.localdate():
                errors["deceased_on"] = _("去世日期不能晚于今天。")
            elif self.birth_date and self.deceased_on < self.birth_date:
                errors["deceased_on"] = _("去世日期不能早于出生日期。")
        if errors:
            raise ValidationError(errors)

    @property
    def masked_id_number(self) -> str:
        return mask(self.id_number)

    @property
    def masked_bank_account(self) -> str:
        return mask(self.bank_account, keep_start=4, keep_end=4)

    @property
    def per_capita_income(self) -> Decimal:
        """Monthly household income per head, to the fen."""
        return (self.household_monthly_income / max(self.household_size, 1)).quantize(
            Decimal("0.01")
        )
