"""Visits, the coverage of frontline and Hubei-team medical staff, and recuperation places."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum, Value
from django.utils.translation import gettext as _

from cases.models import Person, Visit, VisitKind
from cases.models.cases import Occasion
from payments.models import CampaignKind
from recuperation.models import Nomination, NominationStatus, ProgrammeKind

from ..filters import NO_OCCASION, StatFilter
from .money import cents, people_reached
from .scope import narrowed


def filtered_visits(user, f: StatFilter) -> QuerySet[Visit]:
    qs = narrowed(Visit.objects.all(), user, f, "case__organisation").filter(
        visit_date__gte=f.first_day, visit_date__lte=f.last_day
    )
    if f.category:
        qs = qs.filter(case__category=f.category)
    if f.occasion:
        qs = qs.filter(case__occasion="" if f.occasion == NO_OCCASION else f.occasion)
    if f.visit_kind:
        qs = qs.filter(kind=f.visit_kind)
    return qs


def visit_counts(user, f: StatFilter) -> dict[tuple[str, str], int]:
    """Visits of the year by (occasion of the case, kind of visit): one GROUP BY."""
    rows = (
        filtered_visits(user, f).values("case__occasion", "kind").annotate(n=Count("id")).order_by()
    )
    return {(row["case__occasion"] or NO_OCCASION, row["kind"]): row["n"] for row in rows}


def occasion_choices() -> list[tuple[str, str]]:
    return [*((c.value, str(c.label)) for c in Occasion), (NO_OCCASION, _("非节日慰问"))]


def visit_kinds() -> list[tuple[str, str]]:
    return [(c.value, str(c.label)) for c in VisitKind]


@dataclass
class Coverage:
    flagged: int
    reached: int

    @property
    def rate(self) -> Decimal | None:
        if not self.flagged:
            return None
        return (Decimal(self.reached) * 100 / self.flagged).quantize(Decimal("0.1"))


COVERAGE = {
    "frontline": ("is_frontline_medical", CampaignKind.FRONTLINE),
    "hubei_team": ("is_hubei_team", CampaignKind.HUBEI_TEAM),
}


def coverage(user, f: StatFilter) -> dict[str, Coverage]:
    """Flagged people in scope, and how many of them a campaign of their kind paid this year."""
    # One count per flag, united in one statement: each is read from its flag's partial index
    # alone (an OR of the flags would visit every flagged person's row).
    counts = [
        narrowed(Person.objects.filter(**{flag: True}), user, f)
        .order_by()
        .annotate(flag=Value(name))
        .values("flag")
        .annotate(n=Count("id"))
        .values("flag", "n")
        for name, (flag, _kind) in COVERAGE.items()
    ]
    flagged = dict.fromkeys(COVERAGE, 0)
    flagged.update({row["flag"]: row["n"] for row in counts[0].union(*counts[1:], all=True)})
    reached = people_reached(user, f, COVERAGE)
    return {name: Coverage(flagged[name], reached[name]) for name in COVERAGE}


def filtered_nominations(user, f: StatFilter) -> QuerySet[Nomination]:
    return narrowed(Nomination.objects.all(), user, f).filter(
        programme__year=f.year, status__in=[NominationStatus.ATTENDED, NominationStatus.ABSENT]
    )


@dataclass
class Recuperation:
    kind: str
    label: str
    places: int
    absent: int
    cost: Decimal


def recuperation(user, f: StatFilter) -> list[Recuperation]:
    """Places used (attended), no-shows and costs per programme kind: one GROUP BY over the
    nominations of the union's own people (never a programme's other unions)."""
    rows = {
        row["programme__kind"]: row
        for row in filtered_nominations(user, f)
        .values("programme__kind")
        .annotate(
            places=Count("id", filter=Q(status=NominationStatus.ATTENDED)),
            absent=Count("id", filter=Q(status=NominationStatus.ABSENT)),
            cost=Sum("cost", filter=Q(status=NominationStatus.ATTENDED)),
        )
        .order_by()
    }
    result = []
    for kind in ProgrammeKind:
        row: Mapping[str, Any] = rows.get(kind.value, {})
        result.append(
            Recuperation(
                kind=kind.value,
                label=str(kind.label),
                places=row.get("places", 0),
                absent=row.get("absent", 0),
                cost=cents(row.get("cost")),
            )
        )
    return result
