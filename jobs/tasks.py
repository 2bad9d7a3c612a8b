from django_tasks import TaskContext, task

from .execution import execute_job


@task(takes_context=True)
def run_job(context: TaskContext, job_id: str) -> str:
    """The worker's entry point (`manage.py db_worker`); the run is recorded under its worker."""
    worker_ids = context.task_result.worker_ids
    return execute_job(job_id, worker_id=worker_ids[-1] if worker_ids else "").status
