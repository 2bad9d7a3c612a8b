"""Every read of recuperation data starts here, so the organisation scope cannot be forgotten.

A programme is seen by the organisation that runs it and everything below it (the unions it
serves); quotas and nominations by the union they belong to and the organisations above it.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from cases.selectors import run_within_or_above_scope, run_within_scope, scope_path

from .models import (
    LIVE_STATUSES,
    SEATED_STATUSES,
    Nomination,
    NominationStatus,
    Programme,
    ProgrammeKind,
    Quota,
    Session,
)


def programmes_visible_to(user) -> QuerySet[Programme]:
    return run_within_or_above_scope(Programme.objects.select_related("organisation"), user)


def programmes_run_by(user) -> QuerySet[Programme]:
    """Programmes the user's organisation (or one below it) runs: set-up and approval."""
    return run_within_scope(Programme.objects.select_related("organisation"), user)


def sessions_visible_to(user) -> QuerySet[Session]:
    return Session.objects.filter(programme__in=programmes_visible_to(user)).select_related(
        "programme__organisation"
    )


def quotas_visible_to(user) -> QuerySet[Quota]:
    """A union's quota is seen by the union and above; the runner sees every quota."""
    prefix = scope_path(user)
    if prefix is None:
        return Quota.objects.none()
    qs = Quota.objects.select_related("organisation", "programme")
    if prefix == "":
        return qs
    return qs.filter(
        Q(organisation__path__startswith=prefix)
        | Q(programme__organisation__path__startswith=prefix)
    )


def nominations_visible_to(user) -> QuerySet[Nomination]:
    """The union's own nominations, or every nomination of a programme the user runs."""
    prefix = scope_path(user)
    if prefix is None:
        return Nomination.objects.none()
    qs = Nomination.objects.select_related(
        "person__organisation", "organisation", "session__programme__organisation", "replaces"
    )
    if prefix == "":
        return qs
    return qs.filter(
        Q(organisation__path__startswith=prefix)
        | Q(programme__organisation__path__startswith=prefix)
    )


def quotas_with_usage(user, programme: Programme) -> QuerySet[Quota]:
    """The programme's quotas in scope, each with `used` (live nominations) annotated."""
    return (
        quotas_visible_to(user)
        .filter(programme=programme)
        .annotate(used=Count("nominations", filter=Q(nominations__status__in=LIVE_STATUSES)))
        .order_by("organisation__tree_order")
    )


def sessions_with_usage(programme: Programme) -> QuerySet[Session]:
    """The programme's sessions, each with `seated` (approved places) annotated."""
    return (
        programme.sessions.annotate(
            seated=Count("nominations", filter=Q(nominations__status__in=SEATED_STATUSES))
        )
        .select_related("programme")
        .order_by("starts_on", "id")
    )


def roster_of(user, session: Session) -> QuerySet[Nomination]:
    """The people going to a session (approved, confirmed or attended), in the user's scope."""
    return (
        nominations_visible_to(user)
        .filter(
            session=session,
            status__in=[
                NominationStatus.APPROVED,
                NominationStatus.CONFIRMED,
                NominationStatus.ATTENDED,
            ],
        )
        .order_by("organisation__tree_order", "person__name", "id")
    )


def programme_spending(programme: Programme) -> Decimal:
    """The costs recorded against the programme's budget (attended nominations)."""
    total = Nomination.objects.filter(
        programme=programme, status=NominationStatus.ATTENDED
    ).aggregate(total=Sum("cost"))["total"]
    return total or Decimal("0.00")


@dataclass
class KindUsage:
    kind: str
    label: str
    places: int = 0
    absent: int = 0
    cost: Decimal = Decimal("0.00")


@dataclass
class RecuperationUsage:
    """Places used and money spent in a year, for the statistics (人次 and yuan)."""

    year: int
    places: int = 0  # people who attended (人次)
    absent: int = 0  # approved places left unused
    cost: Decimal = Decimal("0.00")  # recorded costs of attendees
    by_kind: list[KindUsage] = field(default_factory=list)


def recuperation_usage(user, year: int) -> RecuperationUsage:
    """Attendance and costs of the year's programmes, over the nominations in the user's scope.

    One aggregate query grouped by programme kind; the figures sum exactly to the nominations
    list filtered the same way (attended, programme year).
    """
    rows = (
        nominations_visible_to(user)
        .filter(
            programme__year=year,
            status__in=[NominationStatus.ATTENDED, NominationStatus.ABSENT],
        )
        .values("programme__kind")
        .annotate(
            places=Count("id", filter=Q(status=NominationStatus.ATTENDED)),
            absent=Count("id", filter=Q(status=NominationStatus.ABSENT)),
            cost=Sum("cost", filter=Q(status=NominationStatus.ATTENDED)),
        )
        .order_by()
    )
    by_kind = {row["programme__kind"]: row for row in rows}
    usage = RecuperationUsage(year=year)
    for kind in ProgrammeKind:
        row = by_kind.get(kind.value)
        entry = KindUsage(kind=kind.value, label=str(kind.label))
        if row:
            entry.places = row["places"]
            entry.absent = row["absent"]
            entry.cost = row["cost"] or Decimal("0.00")
        usage.by_kind.append(entry)
        usage.places += entry.places
        usage.absent += entry.absent
        usage.cost += entry.cost
    return usage
