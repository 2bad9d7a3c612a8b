"""The worker's heartbeat: a thread that says "alive" every few seconds and, while at it, recovers
the jobs of workers that stopped saying it (so no job stays "running" forever)."""

import logging
import os
import socket
import threading

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from .models import WorkerHeartbeat
from .recovery import recover_lost_jobs

logger = logging.getLogger(__name__)


def beat(worker_id: str, *, started_at=None) -> None:
    now = timezone.now()
    defaults = {"hostname": socket.gethostname(), "pid": os.getpid(), "beat_at": now}
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id, defaults={**defaults, "started_at": started_at or now}
        )


class Heartbeat(threading.Thread):
    """Beats until stopped; the first beat happens before the worker takes any task."""

    def __init__(self, worker_id: str, interval: float | None = None):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.interval = interval or settings.RELIEF_WORKER_HEARTBEAT_SECONDS
        self._stopped = threading.Event()

    def start(self) -> None:
        recover_lost_jobs(restarting=self.worker_id)
        beat(self.worker_id)
        super().start()

    def run(self) -> None:
        try:
            while not self._stopped.wait(self.interval):
                try:
                    beat(self.worker_id)
                    recover_lost_jobs()
                except DatabaseError:
                    logger.warning("heartbeat of worker %s failed", self.worker_id, exc_info=True)
        finally:
            connection.close()

    def stop(self) -> None:
        """A worker that stops cleanly says so; its row goes, nothing is left to recover."""
        self._stopped.set()
        self.join(timeout=self.interval + 5)
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
