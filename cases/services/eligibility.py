"""Eligibility: the tier suggested by the household's figures against its district's 低保 line.

(household income − rigid expenses) per member is compared with the 低保 line of the person's
district in force on the day (the city-wide line where the district has none): below the line is
深度困难, below the line × the federation's multiplier (`HardshipPolicy.relative_multiplier`) is
相对困难. Otherwise a loss from an accident, disaster or serious illness of at least the policy's
number of months of household income suggests 意外致困. The figures are stored with every tier
decision (`Case.tier_basis`, `CaseReview`), so a later change of line or policy does not rewrite
why a file was graded as it was.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from cases.exceptions import InvalidCaseData
from cases.models import (
    Case,
    CaseCategory,
    HardshipCause,
    HardshipLevel,
    HardshipPolicy,
    Organisation,
    Person,
    PovertyLine,
)
from core.history import attribute_change

__all__ = [
    "Eligibility",
    "eligibility_of",
    "file_figures",
    "line_on",
    "policy_for",
    "save_hardship_policy",
    "save_poverty_line",
    "suggest_hardship_level",
]

CENT = Decimal("0.01")
# Causes whose loss can make a household 意外致困.
ACCIDENT_CAUSES = (HardshipCause.ACCIDENT, HardshipCause.DISASTER, HardshipCause.ILLNESS)


def policy_for(organisation: Organisation) -> HardshipPolicy:
    """The policy of the federation at the root of `organisation`'s tree (defaults if none)."""
    root_id = int(organisation.path.strip("/").split("/")[0])
    policy = HardshipPolicy.objects.filter(organisation_id=root_id).first()
    if policy is None:
        policy = HardshipPolicy(
            organisation_id=root_id,
            retention_years=int(getattr(settings, "RELIEF_FILE_RETENTION_YEARS", 10)),
        )
    return policy


def line_on(district: str, day: datetime.date) -> PovertyLine | None:
    """The district's line in force on `day`, else the city-wide one (one small query)."""
    candidates = [
        line
        for line in PovertyLine.objects.filter(district__in={district, ""})
        if line.starts_on <= day
    ]
    for wanted in (district, ""):
        lines = [line for line in candidates if line.district == wanted]
        if lines:
            return max(lines, key=lambda line: line.starts_on)
    return None


@dataclass(frozen=True)
class Eligibility:
    """The figures a tier rests on, as shown on the case page and stored with each decision."""

    on_date: datetime.date
    district: str
    household_size: int
    household_monthly_income: Decimal
    rigid_expenses: Decimal
    line: Decimal | None
    line_starts_on: datetime.date | None
    multiplier: Decimal
    accident_loss: Decimal | None
    suggested_level: str

    @property
    def year(self) -> int:
        return self.on_date.year

    @property
    def line_known(self) -> bool:
        return self.line is not None

    @property
    def per_capita_income(self) -> Decimal:
        return (self.household_monthly_income / max(self.household_size, 1)).quantize(CENT)

    @property
    def net_per_member(self) -> Decimal:
        net = self.household_monthly_income - self.rigid_expenses
        return (net / max(self.household_size, 1)).quantize(CENT)

    @property
    def relative_line(self) -> Decimal | None:
        return None if self.line is None else (self.line * self.multiplier).quantize(CENT)

    def as_basis(self) -> dict[str, str | int | None]:
        """JSON for `Case.tier_basis`: every input of the suggestion, as text."""
        return {
            "on_date": self.on_date.isoformat(),
            "district": self.district,
            "household_size": self.household_size,
            "household_monthly_income": str(self.household_monthly_income),
            "rigid_expenses": str(self.rigid_expenses),
            "net_per_member": str(self.net_per_member),
            "line": None if self.line is None else str(self.line),
            "line_starts_on": self.line_starts_on.isoformat() if self.line_starts_on else None,
            "multiplier": str(self.multiplier),
            "accident_loss": None if self.accident_loss is None else str(self.accident_loss),
            "suggested_level": self.suggested_level,
        }


def _suggest(
    income: Decimal, size: int, line: Decimal | None, multiplier: Decimal = Decimal("2")
) -> str:
    """Deep below the line, relative below line × multiplier; "below" is strict.

    Compared on the household total (income < line × size) rather than on the rounded
    per-member figure, so rounding to the fen never moves a household across a boundary.
    """
    if line is None:
        return ""
    size = max(size, 1)
    if income < line * size:
        return HardshipLevel.DEEP
    if income < line * multiplier * size:
        return HardshipLevel.RELATIVE
    return ""


def _accident(causes: list[str], loss: Decimal | None, income: Decimal, policy) -> bool:
    """A loss from an accident, disaster or illness of at least the policy's months of income."""
    if loss is None or loss <= 0 or not any(c in ACCIDENT_CAUSES for c in causes):
        return False
    return loss >= income * policy.accident_loss_months


def _figures(
    *,
    day: datetime.date,
    person: Person,
    size: int,
    rigid: Decimal,
    causes: list[str],
    loss: Decimal | None,
) -> Eligibility:
    policy = policy_for(person.organisation)
    line = line_on(person.district, day)
    amount = line.monthly_amount if line is not None else None
    income = person.household_monthly_income
    level = _suggest(income - rigid, size, amount, policy.relative_multiplier)
    if level != HardshipLevel.DEEP and _accident(causes, loss, income, policy):
        level = HardshipLevel.ACCIDENT
    return Eligibility(
        on_date=day,
        district=person.district,
        household_size=size,
        household_monthly_income=income,
        rigid_expenses=rigid,
        line=amount,
        line_starts_on=line.starts_on if line is not None else None,
        multiplier=policy.relative_multiplier,
        accident_loss=loss,
        suggested_level=level,
    )


def eligibility_of(
    person: Person, day: datetime.date, *, causes=(), loss: Decimal | None = None
) -> Eligibility:
    """The roster's figures (household size and income, no rigid expenses) on `day`."""
    return _figures(
        day=day,
        person=person,
        size=person.household_size,
        rigid=Decimal("0.00"),
        causes=list(causes),
        loss=loss,
    )


def suggest_hardship_level(person: Person, day: datetime.date) -> str:
    """The level the roster's income suggests on `day` (`HardshipLevel` value), or "" for none.

    "" also when no 低保 line is in force on that day: the officer then decides alone.
    """
    return eligibility_of(person, day).suggested_level


def file_figures(case: Case, day: datetime.date) -> Eligibility:
    """The file's figures on `day`: the applicant and the registered members who are alive
    (without registered members, the roster's household size), the rigid expenses, the loss."""
    members = [m for m in case.household_members.all() if m.counts]
    size = 1 + len(members) if members else case.person.household_size
    rigid = sum((e.monthly_amount for e in case.rigid_expenses.all()), Decimal("0.00"))
    return _figures(
        day=day,
        person=case.person,
        size=size,
        rigid=rigid,
        causes=list(case.causes) if case.category == CaseCategory.HARDSHIP else [],
        loss=case.accident_loss,
    )


@transaction.atomic
def save_poverty_line(line: PovertyLine, *, by, reason: str = "") -> PovertyLine:
    if line.monthly_amount is None or line.monthly_amount <= 0:
        raise InvalidCaseData(_("低保标准必须大于0元。"), field="monthly_amount")
    line.district = (line.district or "").strip()
    if line.effective_from is None:
        line.effective_from = datetime.date(line.year, 1, 1)
    if line.effective_from.year != line.year:
        raise InvalidCaseData(
            _("执行日期 %(d)s 不在 %(y)s 年度内。") % {"d": line.effective_from, "y": line.year},
            field="effective_from",
        )
    clash = PovertyLine.objects.filter(district=line.district).exclude(pk=line.pk)
    if any(other.starts_on == line.effective_from for other in clash):
        raise InvalidCaseData(
            _("%(district)s 自 %(d)s 起执行的低保标准已经录入。")
            % {"district": line.district or _("全市"), "d": line.effective_from},
            field="effective_from",
        )
    attribute_change(line, by=by, reason=reason)
    line.save()
    return line


@transaction.atomic
def save_hardship_policy(policy: HardshipPolicy, *, by, reason: str = "") -> HardshipPolicy:
    if policy.organisation.parent_id is not None:
        raise InvalidCaseData(_("帮扶政策由总工会（组织树的根）设置。"), field="organisation")
    if policy.relative_multiplier is None or policy.relative_multiplier <= 1:
        raise InvalidCaseData(_("相对困难倍数须大于1。"), field="relative_multiplier")
    attribute_change(policy, by=by, reason=reason)
    policy.save()
    return policy
