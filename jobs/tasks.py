from django_tasks import task

from .execution import execute_job


@task()
def run_job(job_id: str) -> str:
    """The worker's entry point (`manage.py db_worker`)."""
    return execute_job(job_id).status
