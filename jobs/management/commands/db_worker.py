"""django-tasks' database worker with a heartbeat (`jobs.heartbeat`).

The heartbeat tells `/readyz` a worker is alive and lets every worker recover the jobs of a
worker that died mid-job. The `jobs` app comes before `django_tasks_db` in INSTALLED_APPS, so
this command is the one `manage.py db_worker` runs.
"""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as TasksWorkerCommand

from jobs.heartbeat import Heartbeat


class Command(TasksWorkerCommand):
    help = "Run the background worker, with a heartbeat and recovery of jobs of dead workers."

    def handle(self, *args, **options) -> None:
        reloading = options["reload"] and not options["batch"]
        if reloading and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # With --reload this process only watches the code; the child it starts runs the
            # tasks and beats (under its own id).
            super().handle(*args, **options)
            return
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
