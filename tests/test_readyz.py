"""/readyz: database, storage and workers, as a load balancer or a monitor reads them."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from jobs.heartbeat import beat
from jobs.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }
    return tmp_path


def test_ready_when_database_storage_and_a_worker_answer(client, private_storage):
    beat("w1")
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["storage"]["ok"]
    assert body["worker"] == {"ok": True, "live_workers": 1, "oldest_waiting_seconds": 0.0}
    assert list(private_storage.rglob("*.probe")) == []  # the probe is cleaned up
    assert "no-cache" in response["Cache-Control"]


def test_not_ready_without_a_live_worker(client, settings, private_storage):
    settings.RELIEF_WORKER_STALE_SECONDS = 60
    beat("w-old")
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(minutes=5))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["worker"]["live_workers"] == 0
    assert response.json()["database"]["ok"] is True


def test_not_ready_when_the_oldest_waiting_job_waited_too_long(client, settings, private_storage):
    settings.RELIEF_READY_MAX_QUEUE_AGE_SECONDS = 300
    beat("w1")
    row = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="jobs.tasks.run_job",
        backend_name="default",
        run_after=get_date_max(),
    )
    DBTaskResult.objects.filter(pk=row.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=10)
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["worker"]["oldest_waiting_seconds"] >= 600


def test_a_deferred_job_waits_from_when_it_was_due_not_from_when_it_was_queued(
    client, private_storage
):
    """The daily checkpoint is queued a day ahead: once due, its wait starts then, so every
    instance does not answer 503 to the load balancer while a busy worker gets to it."""
    beat("w1")
    row = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="audits.tasks.store_daily_checkpoint",
        backend_name="default",
        run_after=timezone.now() - timedelta(seconds=60),
    )
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=timezone.now() - timedelta(days=1))
    response = client.get("/readyz")
    assert response.status_code == 200
    assert 60 <= response.json()["worker"]["oldest_waiting_seconds"] < 120


def test_not_ready_when_the_storage_cannot_be_written(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": blocker, "base_url": None},
        },
    }
    beat("w1")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["storage"]["ok"] is False


def test_readyz_refuses_post(client):
    assert client.post("/readyz").status_code == 405


def _settings_probe(code: str, **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup(); " + code],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result


def test_log_lines_are_json_when_configured():
    output = _settings_probe(
        "import logging; logging.getLogger('relief.probe').warning('队列 %s', 3)",
        DJANGO_SETTINGS_MODULE="relief.settings.test",
        RELIEF_LOG_FORMAT="json",
    )
    line = json.loads(output.stderr.strip().splitlines()[-1])
    assert line["message"] == "队列 3"
    assert line["level"] == "WARNING" and line["logger"] == "relief.probe"
    assert "time" in line


def test_production_keeps_database_connections_and_checks_them():
    output = _settings_probe(
        "from django.conf import settings; d = settings.DATABASES['default'];"
        " print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])",
        DJANGO_SETTINGS_MODULE="relief.settings.production",
        SECRET_KEY="x" * 50,
        AUDIT_CHAIN_KEY="y" * 50,
        DATABASE_URL="postgres://relief@127.0.0.1:5432/relief",
        ALLOWED_HOSTS="relief.example",
    )
    assert output.stdout.split() == ["60", "True"]
