"""The worker's daily checkpoint: written to the file storage (object storage in production),
where the auditor downloads the latest and the backup picks it up.

`manage.py audit_checkpoint --schedule-daily` starts it once; each run stores today's checkpoint
(unless one exists) and queues the next run for shortly after midnight UTC, unless a run is
already queued, so scheduling twice never doubles the chain of runs.
"""

import datetime

from django.utils import timezone
from django_tasks import default_task_backend, task

from .checkpoints import latest_stored_checkpoint, store_checkpoint, stored_today

TASK_PATH = "audits.tasks.store_daily_checkpoint"


def _next_run_queued() -> bool:
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another task backend: it cannot be asked
        return False
    return DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").exists()


def schedule_daily_checkpoint(*, now: datetime.datetime | None = None) -> bool:
    """Queue the next daily run (after midnight UTC); False when the backend cannot defer or a
    run is already queued."""
    if not default_task_backend.supports_defer or _next_run_queued():
        return False
    now = now or timezone.now()
    tomorrow = (now + datetime.timedelta(days=1)).replace(hour=0, minute=10, second=0)
    store_daily_checkpoint.using(run_after=tomorrow).enqueue()
    return True


@task()
def store_daily_checkpoint() -> str:
    try:
        name = latest_stored_checkpoint() if stored_today() else None
        return name or store_checkpoint()
    finally:
        # Also after a failure (the storage down for a moment): one bad day must not end the
        # series; the failed run stays visible as a failed task.
        schedule_daily_checkpoint()
