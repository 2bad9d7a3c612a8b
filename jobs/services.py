"""Start a job: record it and queue it for the worker (`jobs.tasks.run_job`)."""

from django.db import transaction

from .models import Job
from .registry import handler_for
from .tasks import run_job


def start_job(*, kind: str, title: str, by, params: dict | None = None) -> Job:
    """Record the job and queue it for the worker once the current transaction commits."""
    handler_for(kind)  # fail now, not in the worker, for an unknown kind
    job = Job.objects.create(kind=kind, title=title, owner=by, params=params or {})
    transaction.on_commit(lambda: run_job.enqueue(str(job.pk)))
    return job
