"""Run a job to its end in the worker: progress, result file, a readable failure.

A run starts only from "queued" and finishes only while it is still the job's current run: if
its worker was taken for dead and the job handed to another (`jobs.recovery`), this run's result
is dropped, so a job is never completed twice.
"""

import logging
from pathlib import Path

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.errors import RuleViolation
from notifications.models import NotificationKind
from notifications.services import notify

from .models import Job, JobStatus
from .registry import JobResult, handler_for

logger = logging.getLogger(__name__)

# Progress is written at most this often (rows), so a 100,000-row job does not write 100,000 times.
PROGRESS_EVERY = 500


def _progress_writer(job: Job):
    last = {"done": -PROGRESS_EVERY}

    def progress(done: int, total: int | None = None) -> None:
        if total is not None and total != job.total:
            job.total = total
        if done - last["done"] >= PROGRESS_EVERY or done == job.total:
            last["done"] = done
            job.done = done
            Job.objects.filter(pk=job.pk).update(done=done, total=job.total)

    return progress


def _claim(job_id: str, worker_id: str) -> Job | None:
    """Mark the job running for this worker; None when it is not waiting for a run."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.status != JobStatus.QUEUED:
            return None
        job.status, job.started_at = JobStatus.RUNNING, timezone.now()
        job.worker_id, job.attempts = worker_id, job.attempts + 1
        job.save(update_fields=["status", "started_at", "worker_id", "attempts"])
    return job


def execute_job(job_id: str, *, worker_id: str = "") -> Job:
    """Run one job to the end, recording success or a readable failure."""
    job = _claim(job_id, worker_id)
    if job is None:
        return Job.objects.get(pk=job_id)
    try:
        result: JobResult | None = handler_for(job.kind)(job, _progress_writer(job))
    except RuleViolation as error:
        return _finish(job, JobStatus.FAILED, error.message)
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        return _finish(job, JobStatus.FAILED, _("任务因内部错误中止，请联系系统管理员。"))
    return _finish(job, JobStatus.DONE, result.message if result else "", result)


def _finish(job: Job, status: str, message: str, result: JobResult | None = None) -> Job:
    try:
        with transaction.atomic():
            current = Job.objects.select_for_update().get(pk=job.pk)
            if current.status != JobStatus.RUNNING or current.attempts != job.attempts:
                logger.warning(
                    "job %s: run %s was superseded; result dropped", job.pk, job.attempts
                )
                return current
            if result is not None:
                _store_result(job, result)
            if status == JobStatus.DONE:
                job.done = job.total or job.done
            job.status, job.message, job.finished_at = status, message, timezone.now()
            job.save()
            # In the same transaction: the owner hears of exactly the finish that was recorded.
            tell_owner(job)
            return job
    finally:
        if result is not None and result.path:
            Path(result.path).unlink(missing_ok=True)


def tell_owner(job: Job) -> None:
    """The job's owner hears how it ended (also when a dead worker's job is failed)."""
    done = job.status == JobStatus.DONE
    notify(
        [job.owner_id],
        NotificationKind.JOB_FINISHED,
        gettext_noop("后台任务“%(title)s”已完成。")
        if done
        else gettext_noop("后台任务“%(title)s”失败：%(message)s"),
        {"title": job.title, "message": job.message},
        link=job.get_absolute_url(),
    )


def _store_result(job: Job, result: JobResult) -> None:
    if result.path:
        with Path(result.path).open("rb") as handle:
            job.result_file.save(result.filename, File(handle), save=False)
    elif result.content is not None:
        job.result_file.save(result.filename, ContentFile(result.content), save=False)
    job.result_name = result.filename
