"""The worker's daily casework run: visits planned for coming occasions, then the reminders
(follow-ups, yearly reviews, occasions within 10 days).

`manage.py plan_occasions --schedule-daily` starts it once; each run queues the next for shortly
after midnight, unless a run is already queued, so scheduling twice never doubles the series.
Both steps are idempotent, so a run repeated on the same day (or the command run by hand) adds
nothing.
"""

import datetime

from django.utils import timezone
from django_tasks import default_task_backend, task

from .notices import notify_due_casework
from .services.occasions import plan_occasion_visits

TASK_PATH = "cases.tasks.run_daily_casework"


def _next_run_queued() -> bool:
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another task backend: it cannot be asked
        return False
    return DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").exists()


def schedule_daily_casework(*, now: datetime.datetime | None = None) -> bool:
    """Queue the next daily run; False when the backend cannot defer or one is queued."""
    if not default_task_backend.supports_defer or _next_run_queued():
        return False
    now = now or timezone.now()
    tomorrow = (now + datetime.timedelta(days=1)).replace(hour=0, minute=20, second=0)
    run_daily_casework.using(run_after=tomorrow).enqueue()
    return True


def daily_casework(today: datetime.date) -> dict[str, int]:
    planned = plan_occasion_visits(today)
    follow_ups, reviews, occasions = notify_due_casework(today)
    return {
        "planned": planned,
        "follow_ups": follow_ups,
        "reviews": reviews,
        "occasions": occasions,
    }


@task()
def run_daily_casework() -> dict[str, int]:
    try:
        return daily_casework(timezone.localdate())
    finally:
        # Also after a failure: one bad day must not end the series.
        schedule_daily_casework()
