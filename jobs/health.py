"""What `/readyz` says about the background work: live workers and the oldest waiting job."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Case, F, Min, When
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from .models import WorkerHeartbeat


def worker_status() -> dict:
    """Live workers (a heartbeat within the stale time) and the oldest waiting job's age."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.RELIEF_WORKER_STALE_SECONDS)
    live = WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).count()
    # A job has waited since it became due: a deferred one (the daily checkpoint, queued a day
    # ahead) from its run_after, not from when it was queued.
    due = Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
    oldest = DBTaskResult.objects.ready().aggregate(oldest=Min(due))["oldest"]
    waited = round((now - oldest).total_seconds(), 1) if oldest else 0.0
    ok = live > 0 and waited <= settings.RELIEF_READY_MAX_QUEUE_AGE_SECONDS
    return {"ok": ok, "live_workers": live, "oldest_waiting_seconds": waited}
