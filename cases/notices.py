"""Daily reminders of casework (run by `manage.py notify_due`): follow-ups due within three days
or overdue, to the officer who recorded the visit; yearly reviews (动态管理) due within 30 days or
overdue, to the officer who opened the case. Each reminder goes out once per visit or review
period (a key per reminder), however often the command runs."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_noop

from notifications.models import NotificationKind
from notifications.services import notify

from .models import Case, CaseCategory, Visit
from .models.cases import REVIEW_INTERVAL
from .selectors_casework import LIVE_STATUSES, follow_ups_due

FOLLOW_UP_NOTICE = datetime.timedelta(days=3)
REVIEW_NOTICE = datetime.timedelta(days=30)


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


def notify_due_casework(today: datetime.date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return notify_follow_ups(today), notify_reviews(today)
