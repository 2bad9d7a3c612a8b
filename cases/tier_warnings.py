"""When the household figures move the suggested hardship level away from the case's level.

The level a case was opened with (or last set to) rests on the income and household size of
that day; an edit of the person can move the suggestion without anyone touching the case. The
case page and the person edit then say so, so the officer re-checks the level (a warning, not a
refusal: the level is the officer's decision).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from .models import Case, CaseCategory, CaseStatus, HardshipLevel, Person
from .services.eligibility import Eligibility, file_figures


@dataclass(frozen=True)
class TierWarning:
    case: Case
    was: str  # the suggestion the case was opened with ("" for none)
    now: str  # the suggestion from today's figures ("" for none)

    @staticmethod
    def label(level: str) -> str:
        return str(HardshipLevel(level).label) if level else "—"

    @property
    def was_label(self) -> str:
        return self.label(self.was)

    @property
    def now_label(self) -> str:
        return self.label(self.now)

    @property
    def level_label(self) -> str:
        return self.label(self.case.hardship_level)


def tier_warning(case: Case, eligibility: Eligibility) -> TierWarning | None:
    """A warning when today's suggestion differs from the case's and from its level."""
    if case.category != CaseCategory.HARDSHIP or case.status == CaseStatus.CLOSED:
        return None
    if eligibility.line is None:  # no line for the year: nothing is suggested either way
        return None
    now = eligibility.suggested_level
    if now == case.suggested_level or now == case.hardship_level:
        return None
    return TierWarning(case, case.suggested_level, now)


def tier_warnings_for(person: Person) -> list[TierWarning]:
    """The person's live hardship cases whose suggested level their file's figures have moved."""
    today = timezone.localdate()
    cases = (
        Case.objects.filter(person=person, category=CaseCategory.HARDSHIP)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("person__organisation")
        .prefetch_related("household_members", "rigid_expenses")
    )
    return [w for case in cases if (w := tier_warning(case, file_figures(case, today))) is not None]
