"""The cluster test's instances: production settings, plus a job kind that takes its time so a
worker can be killed in the middle of it (`tests/cluster/jobs.py`)."""

from relief.settings.production import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.cluster"]  # noqa: F405
