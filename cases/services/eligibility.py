"""Eligibility: the hardship level suggested by the household income against the 低保 line."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from cases.exceptions import InvalidCaseData
from cases.models import Case, HardshipLevel, Person, PovertyLine
from core.history import attribute_change

__all__ = [
    "Eligibility",
    "FileFigures",
    "eligibility_of",
    "file_figures",
    "save_poverty_line",
    "suggest_hardship_level",
]


@dataclass(frozen=True)
class Eligibility:
    """The figures the case page shows next to the hardship level."""

    year: int
    household_size: int
    household_monthly_income: Decimal
    per_capita_income: Decimal
    line: Decimal | None
    suggested_level: str

    @property
    def line_known(self) -> bool:
        return self.line is not None

    @property
    def twice_line(self) -> Decimal | None:
        return None if self.line is None else self.line * 2


def _suggest(income: Decimal, size: int, line: Decimal | None) -> str:
    """Deep below the line, relative below twice the line; "below" is strict.

    Compared on the household total (income < line × size) rather than on the rounded
    per-capita figure, so rounding to the fen never moves a household across a boundary.
    A per-capita income exactly at the line is relative hardship; exactly at twice the line,
    no suggestion.
    """
    if line is None:
        return ""
    size = max(size, 1)
    if income < line * size:
        return HardshipLevel.DEEP
    if income < line * 2 * size:
        return HardshipLevel.RELATIVE
    return ""


def eligibility_of(person: Person, year: int, *, line: PovertyLine | None = None) -> Eligibility:
    if line is None:
        line = PovertyLine.objects.filter(year=year).first()
    amount = line.monthly_amount if line is not None else None
    return Eligibility(
        year=year,
        household_size=person.household_size,
        household_monthly_income=person.household_monthly_income,
        per_capita_income=person.per_capita_income,
        line=amount,
        suggested_level=_suggest(person.household_monthly_income, person.household_size, amount),
    )


def suggest_hardship_level(person: Person, year: int) -> str:
    """The level the income suggests for `year` (`HardshipLevel` value), or "" for none.

    "" also when no poverty line is recorded for that year: the officer then decides alone.
    """
    return eligibility_of(person, year).suggested_level


@transaction.atomic
def save_poverty_line(line: PovertyLine, *, by, reason: str = "") -> PovertyLine:
    if line.monthly_amount is None or line.monthly_amount <= 0:
        raise InvalidCaseData(_("低保标准必须大于0元。"), field="monthly_amount")
    attribute_change(line, by=by, reason=reason)
    line.save()
    return line


@dataclass(frozen=True)
class FileFigures:
    """The household figures a tier decision rests on, stored with each review."""

    household_size: int
    household_monthly_income: Decimal
    rigid_expenses: Decimal
    line: Decimal | None
    suggested_level: str

    @property
    def net_per_member(self) -> Decimal:
        net = self.household_monthly_income - self.rigid_expenses
        return (net / max(self.household_size, 1)).quantize(Decimal("0.01"))


def file_figures(case: Case, year: int) -> FileFigures:
    """(household income − rigid expenses) per member against the year's 低保 line.

    The household counts the applicant and the registered members who are alive; without
    registered members, the roster's household size. The income is the household's monthly
    income on the roster.
    """
    person = case.person
    members = [m for m in case.household_members.all() if m.counts]
    size = 1 + len(members) if members else person.household_size
    rigid = sum((e.monthly_amount for e in case.rigid_expenses.all()), Decimal("0.00"))
    line = PovertyLine.objects.filter(year=year).first()
    amount = line.monthly_amount if line is not None else None
    income = person.household_monthly_income
    return FileFigures(
        household_size=size,
        household_monthly_income=income,
        rigid_expenses=rigid,
        line=amount,
        suggested_level=_suggest(income - rigid, size, amount),
    )
