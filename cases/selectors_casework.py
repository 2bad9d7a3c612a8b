"""Reads of the officer's workspace: case lists, the case timeline, the dashboard figures.

All start from the scoped selectors of `cases.selectors`, and each runs a fixed number of
queries whatever the number of rows (joins and subqueries here, never lookups in a loop).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.utils import timezone

from .models import Case, CaseCategory, CaseReview, CaseStatus, ClosingReason, FileStage, Visit
from .models.cases import REVIEW_INTERVAL
from .selectors import cases_visible_to, visits_visible_to
from .selectors_occasions import OccasionProgress, occasion_progress_for

LIVE_STATUSES = (CaseStatus.OPEN, CaseStatus.VERIFIED)


def review_overdue_cutoff(today: datetime.date | None = None) -> datetime.date:
    """Verified before this date (strictly) means the yearly review is overdue."""
    return (today or timezone.localdate()) - REVIEW_INTERVAL


def review_overdue(qs: QuerySet[Case], today: datetime.date | None = None) -> QuerySet[Case]:
    """Live hardship cases whose last verification is over 12 months old (matches the property)."""
    return qs.filter(
        category=CaseCategory.HARDSHIP,
        status__in=LIVE_STATUSES,
        last_verified_on__lt=review_overdue_cutoff(today),
    )


def case_list_for(user) -> QuerySet[Case]:
    """Cases in scope with what a list row shows: person, organisation, last visit date."""
    last_visit = (
        Visit.objects.filter(case=OuterRef("pk")).order_by("-visit_date").values("visit_date")[:1]
    )
    return (
        cases_visible_to(user)
        .select_related("person", "organisation")
        .annotate(last_visit_on=Subquery(last_visit))
    )


def case_page_for(user) -> QuerySet[Case]:
    """The case with its person, organisations and officers; the hardship file's rows are read
    by `read_hardship_file` only for a hardship case (four queries no other case needs)."""
    return cases_visible_to(user).select_related(
        "person__organisation",
        "organisation",
        "opened_by",
        "file_approved_by",
        "archived_by",
    )


def _hardship_file_relations() -> tuple:
    return (
        "household_members",
        "rigid_expenses",
        "exit_follow_ups",
        Prefetch(
            "reviews", queryset=CaseReview.objects.select_related("reviewed_by", "approved_by")
        ),
    )


def case_detail_for(user) -> QuerySet[Case]:
    """The case with what its page shows, the hardship file's household and reviews included."""
    return case_page_for(user).prefetch_related(*_hardship_file_relations())


def read_hardship_file(case: Case) -> None:
    """Read a hardship case's household members, rigid expenses, exit follow-ups and reviews
    in one query each (as `case_detail_for` does); other categories keep no file."""
    if case.category == CaseCategory.HARDSHIP:
        prefetch_related_objects([case], *_hardship_file_relations())


def visits_with_details(qs: QuerySet[Visit]) -> QuerySet[Visit]:
    return qs.select_related("recorded_by").prefetch_related("companions", "attachments")


def visit_detail_for(user) -> QuerySet[Visit]:
    return (
        visits_visible_to(user)
        .select_related("case__person", "case__organisation", "recorded_by")
        .prefetch_related("companions", "attachments")
    )


# --- the case timeline ----------------------------------------------------------------------


@dataclass
class TimelineEntry:
    when: datetime.datetime
    kind: str  # "visit" or "status"
    title: str
    user: Any = None
    reason: str = ""
    visit: Visit | None = None
    details: list[str] = field(default_factory=list)
    order: int = 0  # breaks ties between entries of the same moment: later steps first


def _status_entries(case: Case) -> list[TimelineEntry]:
    """Status changes from the case's history rows: opened, verified, closed, reopened."""
    from django.utils.translation import gettext as _
    from django.utils.translation import pgettext

    rows = list(case.history.select_related("history_user").order_by("history_date", "history_id"))
    entries: list[TimelineEntry] = []
    previous = None
    for row in rows:
        title = ""
        details: list[str] = []
        if previous is None:
            title = pgettext("timeline", "立案")
            if row.hardship_level:
                details.append(
                    _("困难类别：%(level)s") % {"level": _level_label(row.hardship_level)}
                )
        elif row.status == CaseStatus.CLOSED and previous.status != CaseStatus.CLOSED:
            title = pgettext("timeline", "结案")
            if row.closing_reason:
                details.append(
                    _("结案原因：%(r)s") % {"r": ClosingReason(row.closing_reason).label}
                )
        elif previous.status == CaseStatus.CLOSED and row.status != CaseStatus.CLOSED:
            title = pgettext("timeline", "重新开启")
        elif row.file_stage != previous.file_stage and row.file_stage == FileStage.PUBLICISED:
            title = pgettext("timeline", "公示")
            details.append(
                _("公示期：%(s)s 至 %(e)s")
                % {"s": row.publicity_starts_on, "e": row.publicity_ends_on}
            )
        elif row.file_stage != previous.file_stage and row.file_stage == FileStage.IN_FILE:
            title = pgettext("timeline", "上级工会审批建档")
        elif row.publicity_objections != previous.publicity_objections:
            title = pgettext("timeline", "公示异议")
        elif row.last_verified_on != previous.last_verified_on and row.last_verified_on:
            title = (
                pgettext("timeline", "核实")
                if previous.last_verified_on is None
                else pgettext("timeline", "年度复核")
            )
        elif row.hardship_level != previous.hardship_level or row.causes != previous.causes:
            title = _("调整困难类别")
            details.append(_("困难类别：%(level)s") % {"level": _level_label(row.hardship_level)})
        if title:
            entries.append(
                TimelineEntry(
                    # The opening is dated by the case itself (imports may open cases backdated).
                    when=case.opened_at if previous is None else row.history_date,
                    kind="status",
                    title=title,
                    user=row.history_user,
                    reason=row.history_change_reason or "",
                    details=details,
                    order=row.history_id,
                )
            )
        previous = row
    return entries


def _level_label(value: str) -> str:
    from .models import HardshipLevel

    return str(HardshipLevel(value).label) if value in HardshipLevel.values else value


def case_timeline(case: Case) -> list[TimelineEntry]:
    """Visits and status changes, newest first, in four queries whatever their number."""
    from django.utils.translation import gettext as _

    visits = visits_with_details(Visit.objects.filter(case=case))
    entries = _status_entries(case)
    for visit in visits:
        # Recorded on the day of the visit: its own time; recorded later: midday of that date.
        if timezone.localdate(visit.created_at) == visit.visit_date:
            when = visit.created_at
        else:
            when = timezone.make_aware(
                datetime.datetime.combine(visit.visit_date, datetime.time(12, 0))
            )
        entries.append(
            TimelineEntry(
                when=when,
                kind="visit",
                title=_("走访（%(kind)s）") % {"kind": visit.get_kind_display()},
                user=visit.recorded_by,
                visit=visit,
                order=visit.pk,
            )
        )
    entries.sort(key=lambda e: (e.when, e.kind == "status", e.order), reverse=True)
    return entries


# --- the dashboard --------------------------------------------------------------------------


@dataclass
class FollowUp:
    """A visit whose follow-up is due, with how many days ago it fell due (0: not yet)."""

    visit: Visit
    days_overdue: int


@dataclass
class Dashboard:
    my_open_cases: list[Case]
    my_open_count: int
    overdue_cases: list[Case]
    overdue_count: int
    follow_ups: list[FollowUp]
    follow_up_count: int
    overdue_follow_up_count: int
    month_visits: list[Visit]
    month_visit_count: int
    today: datetime.date
    follow_up_until: datetime.date
    occasions: list[OccasionProgress] = field(default_factory=list)


DASHBOARD_ROWS = 10


def pending_follow_ups(user, until: datetime.date) -> QuerySet[Visit]:
    """The follow-ups due by `until` that the user may see."""
    return follow_ups_due(visits_visible_to(user), until)


def follow_ups_due(visits: QuerySet[Visit], until: datetime.date) -> QuerySet[Visit]:
    """Follow-ups due by `until` on live cases, not yet done by a later visit — the missed ones
    included: a follow-up whose date passed without a visit stays on the list, first, until
    someone visits."""
    later_visit = Visit.objects.filter(case=OuterRef("case"), visit_date__gt=OuterRef("visit_date"))
    return (
        visits.filter(follow_up_on__lte=until, case__status__in=LIVE_STATUSES)
        .exclude(Exists(later_visit))
        .select_related("case__person")
        .order_by("follow_up_on", "id")
    )


def dashboard_for(user, today: datetime.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    until = today + datetime.timedelta(days=7)
    month_start = today.replace(day=1)
    cases = case_list_for(user)
    mine = cases.filter(opened_by=user, status__in=LIVE_STATUSES).order_by("opened_at", "id")
    overdue = review_overdue(cases).order_by("last_verified_on", "id")
    follow_ups = pending_follow_ups(user, until)
    follow_up_counts = follow_ups.aggregate(
        total=Count("id"), overdue=Count("id", filter=Q(follow_up_on__lt=today))
    )
    shown_follow_ups = [
        FollowUp(visit, max((today - (visit.follow_up_on or today)).days, 0))
        for visit in follow_ups[:DASHBOARD_ROWS]
    ]
    month = (
        visits_visible_to(user)
        .filter(visit_date__gte=month_start, visit_date__lte=today)
        .select_related("case__person", "recorded_by")
        .order_by("-visit_date", "-id")
    )
    return Dashboard(
        my_open_cases=list(mine[:DASHBOARD_ROWS]),
        my_open_count=mine.count(),
        overdue_cases=list(overdue[:DASHBOARD_ROWS]),
        overdue_count=overdue.count(),
        follow_ups=shown_follow_ups,
        follow_up_count=follow_up_counts["total"],
        overdue_follow_up_count=follow_up_counts["overdue"],
        month_visits=list(month[:DASHBOARD_ROWS]),
        month_visit_count=month.count(),
        today=today,
        follow_up_until=until,
        occasions=occasion_progress_for(user, today)
        if user.has_perm("cases.view_plannedvisit")
        else [],
    )
