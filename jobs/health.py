"""What `/readyz` says about the background work: live workers and the oldest waiting job."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat


def worker_status() -> dict:
    """Live workers (a heartbeat within the stale time) and the oldest waiting job's age."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.RELIEF_WORKER_STALE_SECONDS)
    live = WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).count()
    oldest = DBTaskResult.objects.ready().aggregate(oldest=Min("enqueued_at"))["oldest"]
    waited = round((now - oldest).total_seconds(), 1) if oldest else 0.0
    ok = live > 0 and waited <= settings.RELIEF_READY_MAX_QUEUE_AGE_SECONDS
    return {"ok": ok, "live_workers": live, "oldest_waiting_seconds": waited}
