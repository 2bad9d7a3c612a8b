"""Daily reminders of casework (run by `manage.py notify_due`): follow-ups due within three days
or overdue, to the officer who recorded the visit; yearly reviews (动态管理) due within 30 days or
overdue, to the officer who opened the case; an occasion within 10 days, to the case officers
whose scope holds its planned visits. Each reminder goes out once per visit, review period or
occasion date (a key per reminder), however often the command runs."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.roles import Role
from notifications.models import NotificationKind
from notifications.services import notify

from .models import Case, CaseCategory, Organisation, PlannedVisit, Visit
from .models.cases import REVIEW_INTERVAL
from .selectors_casework import LIVE_STATUSES, follow_ups_due

FOLLOW_UP_NOTICE = datetime.timedelta(days=3)
REVIEW_NOTICE = datetime.timedelta(days=30)
OCCASION_NOTICE = datetime.timedelta(days=10)


def notify_follow_ups(today: datetime.date) -> int:
    sent = 0
    for visit in follow_ups_due(Visit.objects.all(), today + FOLLOW_UP_NOTICE).iterator():
        assert visit.follow_up_on is not None  # follow_up_on__lte excludes NULL
        overdue = visit.follow_up_on < today
        sent += notify(
            [visit.recorded_by_id],
            NotificationKind.FOLLOW_UP,
            gettext_noop("%(person)s 的回访已逾期（应于 %(date)s）。")
            if overdue
            else gettext_noop("%(person)s 的回访定于 %(date)s。"),
            {"person": visit.case.person.name, "date": visit.follow_up_on.isoformat()},
            link=visit.case.get_absolute_url(),
            key=f"follow_up:{visit.pk}:{'overdue' if overdue else 'due'}",
        )
    return sent


def notify_reviews(today: datetime.date) -> int:
    cases = (
        Case.objects.filter(
            category=CaseCategory.HARDSHIP,
            status__in=LIVE_STATUSES,
            last_verified_on__isnull=False,
            last_verified_on__lte=today + REVIEW_NOTICE - REVIEW_INTERVAL,
        )
        .select_related("person")
        .order_by("last_verified_on", "id")
    )
    sent = 0
    for case in cases.iterator():
        assert case.last_verified_on is not None
        due = case.last_verified_on + REVIEW_INTERVAL
        overdue = due < today
        sent += notify(
            [case.opened_by_id],
            NotificationKind.REVIEW_DUE,
            gettext_noop("%(person)s 的年度复核已逾期（应于 %(date)s 前）。")
            if overdue
            else gettext_noop("%(person)s 的年度复核应于 %(date)s 前完成。"),
            {"person": case.person.name, "date": due.isoformat()},
            link=case.get_absolute_url(),
            key=f"review:{case.pk}:{case.last_verified_on.isoformat()}:{int(overdue)}",
        )
    return sent


def notify_occasions(today: datetime.date) -> int:
    """One notice per officer and occasion date: how many planned visits wait in their scope."""
    planned = (
        PlannedVisit.objects.filter(due_on__range=(today, today + OCCASION_NOTICE))
        .values("occasion_id", "occasion__name", "due_on", "organisation_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_occasion: dict[tuple, dict[int, int]] = {}
    for row in planned:
        key = (row["occasion_id"], row["occasion__name"], row["due_on"])
        by_occasion.setdefault(key, {})[row["organisation_id"]] = row["n"]
    if not by_occasion:
        return 0
    paths = dict(Organisation.objects.values_list("id", "path"))
    officers = list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.CASE_OFFICER)
        .exclude(organisation=None)
        .values_list("pk", "organisation_id")
    )
    sent = 0
    for (occasion_id, name, due_on), counts in sorted(by_occasion.items(), key=lambda i: i[0][2]):
        for officer_id, organisation_id in officers:
            prefix = paths.get(organisation_id)
            if prefix is None:
                continue
            n = sum(c for org, c in counts.items() if paths.get(org, "").startswith(prefix))
            if not n:
                continue
            sent += notify(
                [officer_id],
                NotificationKind.OCCASION,
                gettext_noop("%(occasion)s（%(date)s）将至：您的范围内有 %(n)d 人计划走访。"),
                {"occasion": name, "date": due_on.isoformat(), "n": n},
                link=reverse("cases:planned_visits") + f"?due_on={due_on.isoformat()}",
                key=f"occasion:{occasion_id}:{due_on.isoformat()}",
            )
    return sent


def notify_due_casework(today: datetime.date | None = None) -> tuple[int, int, int]:
    today = today or timezone.localdate()
    return notify_follow_ups(today), notify_reviews(today), notify_occasions(today)
