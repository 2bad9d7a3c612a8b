"""Run a job to its end in the worker: progress, result file, a readable failure."""

import logging
from pathlib import Path

from django.core.files import File
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import RuleViolation

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


def execute_job(job_id: str) -> Job:
    """Run one job to the end, recording success or a readable failure."""
    job = Job.objects.get(pk=job_id)
    if job.is_finished:
        return job
    job.status, job.started_at = JobStatus.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at"])
    try:
        result: JobResult | None = handler_for(job.kind)(job, _progress_writer(job))
    except RuleViolation as error:
        _finish(job, JobStatus.FAILED, error.message)
        return job
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, JobStatus.FAILED, _("任务因内部错误中止，请联系系统管理员。"))
        return job
    if result is not None:
        if result.path:
            with Path(result.path).open("rb") as handle:
                job.result_file.save(result.filename, File(handle), save=False)
            Path(result.path).unlink(missing_ok=True)
        elif result.content is not None:
            job.result_file.save(result.filename, ContentFile(result.content), save=False)
        job.result_name = result.filename
    job.done = job.total or job.done
    _finish(job, JobStatus.DONE, result.message if result else "")
    return job


def _finish(job: Job, status: str, message: str) -> None:
    job.status, job.message, job.finished_at = status, message, timezone.now()
    job.save()
