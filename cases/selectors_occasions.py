"""Reads of the occasions: planned visits in scope, whether each is done, progress per union.

A planned visit is done when the person has any visit dated from the plan's start on; this is
computed (an EXISTS per row), so recording a visit needs no extra step and the figures can never
disagree with the visits themselves.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from .models import PlannedVisit, Visit
from .selectors import scoped_by_organisation

# The dashboard shows occasions from a month back (to chase what is overdue) to two months ahead.
PAST_WINDOW = datetime.timedelta(days=30)
FUTURE_WINDOW = datetime.timedelta(days=60)


def planned_visits_visible_to(user) -> QuerySet[PlannedVisit]:
    """Planned visits of the unions in the user's scope, each annotated with `done`."""
    done = Visit.objects.filter(
        case__person_id=OuterRef("person_id"), visit_date__gte=OuterRef("starts_on")
    )
    return scoped_by_organisation(PlannedVisit.objects.all(), user).annotate(done=Exists(done))


@dataclass(frozen=True)
class OccasionProgress:
    occasion: str
    due_on: datetime.date
    organisation_id: int
    organisation: str
    planned: int
    done: int
    overdue: int  # planned, not done, and the day has passed

    @property
    def is_overdue(self) -> bool:
        return self.overdue > 0


def occasion_progress_for(user, today: datetime.date | None = None) -> list[OccasionProgress]:
    """Planned vs done per occasion date and union, in date order; one query."""
    today = today or timezone.localdate()
    rows = (
        planned_visits_visible_to(user)
        .filter(due_on__gte=today - PAST_WINDOW, due_on__lte=today + FUTURE_WINDOW)
        .values("occasion__name", "due_on", "organisation_id", "organisation__name")
        .annotate(
            planned=Count("id"),
            finished=Count("id", filter=Q(done=True)),
            late=Count("id", filter=Q(done=False, due_on__lt=today)),
        )
        .order_by("due_on", "occasion__name", "organisation__name")
    )
    return [
        OccasionProgress(
            occasion=row["occasion__name"],
            due_on=row["due_on"],
            organisation_id=row["organisation_id"],
            organisation=row["organisation__name"],
            planned=row["planned"],
            done=row["finished"],
            overdue=row["late"],
        )
        for row in rows
    ]
