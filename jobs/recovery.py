"""Jobs whose worker died (killed, out of memory, machine lost) are never left "running".

A worker that misses its heartbeats for `RELIEF_WORKER_STALE_SECONDS` is taken for dead. Each
job it was running is queued again while it has runs left (`RELIEF_JOB_MAX_ATTEMPTS`) or marked
failed with the reason; the task row it held is closed as failed. A run that was cut off never
finished, and `execution` refuses to finish a run that is no longer the job's current one, so a
job is never completed twice.
"""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .execution import tell_owner
from .models import Job, JobStatus, WorkerHeartbeat
from .tasks import run_job

logger = logging.getLogger(__name__)

LOST_EXCEPTION = "jobs.recovery.WorkerLost"


def recover_lost_jobs(*, restarting: str = "") -> list[Job]:
    """Requeue or fail the jobs of dead workers; returns the jobs it changed. `restarting` is
    the id a starting worker takes: systemd restarts a crashed worker under the same id within
    seconds, before its heartbeat goes stale, and what still runs under it was cut off."""
    cutoff = timezone.now() - timedelta(seconds=settings.RELIEF_WORKER_STALE_SECONDS)
    changed: list[Job] = []
    with transaction.atomic():
        dead = set(
            WorkerHeartbeat.objects.select_for_update(skip_locked=True)
            .filter(beat_at__lt=cutoff)
            .values_list("worker_id", flat=True)
        ) | ({restarting} if restarting else set())
        if not dead:
            return changed
        for job in Job.objects.select_for_update().filter(
            status=JobStatus.RUNNING, worker_id__in=dead
        ):
            changed.append(_requeue_or_fail(job))
        _close_task_rows(dead)
        WorkerHeartbeat.objects.filter(worker_id__in=dead).delete()
    for job in changed:
        logger.warning("job %s of dead worker %s: %s", job.pk, job.worker_id, job.status)
    return changed


def _requeue_or_fail(job: Job) -> Job:
    if job.attempts < settings.RELIEF_JOB_MAX_ATTEMPTS:
        job.status = JobStatus.QUEUED
        job.message = _("执行它的后台进程中途停止，任务已重新排队。")
        job.save(update_fields=["status", "message"])
        transaction.on_commit(partial(run_job.enqueue, str(job.pk)))
    else:
        job.status, job.finished_at = JobStatus.FAILED, timezone.now()
        job.message = _(
            "执行它的后台进程中途停止（已执行 %(attempts)d 次），任务未完成，请重新发起。"
        ) % {"attempts": job.attempts}
        job.save(update_fields=["status", "message", "finished_at"])
        tell_owner(job)
    return job


def _close_task_rows(dead: set[str]) -> None:
    running = DBTaskResult.objects.select_for_update().filter(status=TaskResultStatus.RUNNING)
    for row in running:
        if row.worker_ids and row.worker_ids[-1] in dead:
            row.status, row.finished_at = TaskResultStatus.FAILED, timezone.now()
            row.exception_class_path = LOST_EXCEPTION
            row.traceback = f"worker {row.worker_ids[-1]} stopped during the task"
            row.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
