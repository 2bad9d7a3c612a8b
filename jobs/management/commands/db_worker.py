"""django-tasks' database worker with a heartbeat (`jobs.heartbeat`).

The heartbeat tells `/readyz` a worker is alive and lets every worker recover the jobs of a
worker that died mid-job. The `jobs` app comes before `django_tasks_db` in INSTALLED_APPS, so
this command is the one `manage.py db_worker` runs.
"""

from django_tasks_db.management.commands.db_worker import Command as TasksWorkerCommand

from jobs.heartbeat import Heartbeat


class Command(TasksWorkerCommand):
    help = "Run the background worker, with a heartbeat and recovery of jobs of dead workers."

    def handle(self, *args, **options) -> None:
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
