"""Several instances on real parts: two gunicorn instances behind nginx (TLS, the shipped site
file), one PostgreSQL, one S3 server, two `db_worker`s. Run by `.ci/run` on PostgreSQL.

Proves: a photo uploaded through instance A is served by instance B (the file is in the shared
object store, handed over by nginx after B's scope check); a session works on both; a letter
batch enqueued once is rendered once; a worker killed in the middle of a job leaves the job run
again to completion once, never lost and never completed twice.
"""

import io
import os
import signal
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from moto.server import ThreadedMotoServer

from accounts.roles import Role
from cases.models import Attachment
from jobs.models import Job, JobStatus, WorkerHeartbeat
from jobs.recovery import LOST_EXCEPTION
from jobs.tasks import run_job
from letters.models import PrintRecord
from tests.cases.factories import hardship_case, jpeg_bytes, person_in
from tests.factories import OrganisationFactory, make_user
from tests.letters.factories import CampaignFactory, PaymentFactory
from tests.objectstore import create_bucket, object_store_env, s3_client

from .harness import (
    NGINX,
    ROOT,
    Cluster,
    free_port,
    http_ok,
    nginx_conf,
    render_site,
    self_signed_certificate,
    wait_for,
)

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]

PASSWORD = "Cluster-pw-2026"


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _with_production_password(user):
    """Production checks PBKDF2 hashes; the test settings hash with MD5."""
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, uuid.uuid4().hex, iterations=1000)
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def cluster(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("several instances share one PostgreSQL")
    started = time.monotonic()
    store = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    store.start()
    host, port = store.get_host_and_port()
    objects = f"{host}:{port}"
    bucket = f"relief-{uuid.uuid4().hex[:8]}"
    create_bucket(f"http://{objects}", bucket)
    env = {
        **os.environ,
        **object_store_env(f"http://{objects}", bucket),
        "DJANGO_SETTINGS_MODULE": "tests.cluster.settings",
        "SECRET_KEY": "cluster-" + uuid.uuid4().hex,
        # The same audit key as the test process, which writes records of its own.
        "AUDIT_CHAIN_KEY": django_settings.AUDIT_CHAIN_KEY,
        "DATABASE_URL": _database_url(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "RELIEF_X_ACCEL_REDIRECT": "/_objects/",
        "RELIEF_WORKER_HEARTBEAT_SECONDS": "0.5",
        "RELIEF_WORKER_STALE_SECONDS": "3",
        "GUNICORN_WORKERS": "2",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("RELIEF_TEST_DB_NAME", None)
    run = Cluster(tmp_path, env)
    manifest = ROOT / "var" / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        run.start(
            "collectstatic", [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
        )
        run.processes[-1].popen.wait(timeout=120)
        run.processes.pop()
    apps = {"a": free_port(), "b": free_port()}
    sites = {"lb": free_port(), "a": free_port(), "b": free_port()}
    cert, key = self_signed_certificate(tmp_path)
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    for name, port in apps.items():
        run.start(
            f"gunicorn-{name}",
            [gunicorn, "-c", "deploy/gunicorn.conf.py", "-b", f"127.0.0.1:{port}", "relief.wsgi"],
        )
    workers = {}
    for name in ("w1", "w2"):
        workers[name] = run.start(
            f"worker-{name}",
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2"]
            + ["--no-startup-delay", "--worker-id", f"cluster-{name}"],
        )
    conf = nginx_conf(
        tmp_path,
        [
            render_site(
                name,
                apps=list(apps.values()) if name == "lb" else [apps[name]],
                https_port=port,
                objects=objects,
                cert=cert,
                key=key,
            )
            for name, port in sites.items()
        ],
    )
    run.start("nginx", [NGINX, "-p", str(tmp_path), "-c", str(conf), "-e", "stderr"])
    try:
        for name, port in apps.items():
            wait_for(
                f"gunicorn {name} to answer /healthz",
                lambda port=port: http_ok(f"http://127.0.0.1:{port}/healthz"),
                timeout=90,
                cluster=run,
            )
        wait_for(
            "both workers' heartbeats",
            lambda: WorkerHeartbeat.objects.filter(worker_id__startswith="cluster-").count() == 2,
            timeout=60,
            cluster=run,
        )
        wait_for(
            "nginx to answer",
            lambda: (
                requests.get(
                    f"https://127.0.0.1:{sites['lb']}/healthz", verify=str(cert), timeout=5
                ).ok
            ),
            timeout=20,
            cluster=run,
        )
        print(f"cluster started in {time.monotonic() - started:.1f} s")  # noqa: T201
        yield {
            "run": run,
            "sites": {n: f"https://127.0.0.1:{p}" for n, p in sites.items()},
            "workers": workers,
            "bucket": bucket,
            "objects": f"http://{objects}",
            "workdir": tmp_path,
            "cert": str(cert),
        }
    finally:
        run.stop()
        store.stop()


class Browser(requests.Session):
    """A requests session whose every call is bounded in time."""

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", 30)
        return super().request(method, url, **kwargs)


def _login(session: requests.Session, site: str, username: str) -> None:
    session.get(f"{site}/accounts/login/")
    response = session.post(
        f"{site}/accounts/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{site}/accounts/login/"},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:2000]


def _enqueue(job: Job) -> None:
    """Queue the job once in the database queue the workers read."""
    run_job.enqueue(str(job.pk))


@pytest.fixture
def database_queue(settings):
    """Tasks enqueued by the test go to the database queue, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_several_instances_share_files_sessions_and_work(cluster, database_queue):
    run, sites = cluster["run"], cluster["sites"]
    federation = OrganisationFactory(code="FED", name="市总工会", sector="")
    union = OrganisationFactory(code="HEA01", name="市人民医院工会", parent=federation)
    officer = _with_production_password(make_user(Role.CASE_OFFICER, union, username="officer"))
    finance = make_user(Role.FINANCE, federation, username="finance")
    case = hardship_case(person_in(union), officer)

    # A session opened through the balancer works on instance A and on instance B.
    browser = Browser()
    browser.verify = cluster["cert"]  # nginx's self-signed certificate
    browser.trust_env = False  # loopback only: no proxy, no CA bundle from the environment
    _login(browser, sites["lb"], "officer")
    for name in ("a", "b", "lb", "lb"):
        page = browser.get(f"{sites[name]}/people/", allow_redirects=False)
        assert page.status_code == 200, f"instance {name}: {page.status_code}"

    # A photo uploaded through A...
    form_url = f"{sites['a']}/cases/{case.pk}/visits/new/"
    browser.get(form_url)
    response = browser.post(
        form_url,
        data={
            "visit_date": timezone.localdate().isoformat(),
            "kind": "home",
            "findings": "家中老人卧床",
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        files={"attachments": ("门口.jpg", io.BytesIO(jpeg_bytes()), "image/jpeg")},
        headers={"Referer": form_url},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:3000]
    photo = Attachment.objects.get(visit__case=case)
    stored = s3_client(cluster["objects"]).get_object(Bucket=cluster["bucket"], Key=photo.file.name)
    assert stored["Body"].read() == jpeg_bytes()
    # ...is served by B: B checks the scope, nginx fetches the object with B's presigned URL.
    served = browser.get(f"{sites['b']}/attachments/{photo.pk}/")
    assert served.status_code == 200
    assert served.content == jpeg_bytes()
    assert served.headers["Content-Type"] == "image/jpeg"
    assert "X-Accel-Redirect" not in served.headers
    # ...and the object store's address is not reachable through the site.
    hidden = browser.get(f"{sites['b']}/_objects/{cluster['bucket']}/{photo.file.name}")
    assert hidden.status_code == 404

    # A letter batch enqueued once is rendered once, by one of the two workers.
    campaign = CampaignFactory(organisation=federation)
    for _ in range(3):
        PaymentFactory(organisation=union, campaign=campaign)
    batch = Job.objects.create(
        kind="letters.campaign_pdf",
        title="打印慰问信",
        owner=finance,
        params={"campaign_id": campaign.pk},
    )
    _enqueue(batch)
    wait_for(
        "the letter batch to finish",
        lambda: Job.objects.get(pk=batch.pk).is_finished,
        timeout=120,
        cluster=run,
    )
    batch.refresh_from_db()
    assert batch.status == JobStatus.DONE, batch.message
    assert batch.attempts == 1
    assert batch.worker_id in {"cluster-w1", "cluster-w2"}
    assert PrintRecord.objects.filter(campaign=campaign).count() == 1
    assert PrintRecord.objects.get(campaign=campaign).payment_count == 3
    tasks = DBTaskResult.objects.filter(args_kwargs__args=[str(batch.pk)])
    assert [t.status for t in tasks] == ["SUCCESSFUL"]

    # A worker killed in the middle of a job: the other runs it again; it completes once.
    marker = cluster["workdir"] / "slow.marks"
    slow = Job.objects.create(
        kind="cluster.slow",
        title="slow",
        owner=finance,
        params={"steps": 30, "marker": str(marker)},
    )
    _enqueue(slow)
    wait_for(
        "the slow job to start",
        lambda: marker.exists() and "started" in marker.read_text(),
        timeout=60,
        cluster=run,
    )
    victim_id = Job.objects.get(pk=slow.pk).worker_id
    victim = cluster["workers"][victim_id.removeprefix("cluster-")]
    victim.expected_dead = True
    os.kill(victim.popen.pid, signal.SIGKILL)
    victim.popen.wait(timeout=10)
    wait_for(
        "the killed worker's job to be recovered and finished",
        lambda: Job.objects.get(pk=slow.pk).is_finished,
        timeout=90,
        cluster=run,
    )
    slow.refresh_from_db()
    assert slow.status == JobStatus.DONE, slow.message
    assert slow.attempts == 2
    assert slow.worker_id != victim_id
    marks = marker.read_text().split()
    assert marks.count("started") == 2
    assert marks.count("finished") == 1
    runs = DBTaskResult.objects.filter(args_kwargs__args=[str(slow.pk)]).order_by("enqueued_at")
    assert [(t.status, t.exception_class_path) for t in runs] == [
        ("FAILED", LOST_EXCEPTION),
        ("SUCCESSFUL", ""),
    ]
    assert not WorkerHeartbeat.objects.filter(worker_id=victim_id).exists()
