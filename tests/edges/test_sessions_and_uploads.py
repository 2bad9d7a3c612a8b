"""Sessions end when idle or too old; user uploads never run in our origin; the production
settings pass `check --deploy` (issue 12 item 12)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.sessions import SEEN, STARTED
from cases.services import add_attachment
from tests.cases.factories import hardship_case, jpeg_bytes, pdf_bytes, person_in, upload, visit

ROOT = Path(__file__).resolve().parents[2]


def _age_session(client, **offsets):
    session = client.session
    now = int(time.time())
    for key, seconds in offsets.items():
        session[{"started": STARTED, "seen": SEEN}[key]] = now - seconds
    session.save()


def test_an_idle_session_ends_after_thirty_minutes(client, officer):
    client.force_login(officer)
    assert client.get(reverse("cases:person_list")).status_code == 200
    _age_session(client, seen=29 * 60)
    assert client.get(reverse("cases:person_list")).status_code == 200
    _age_session(client, seen=31 * 60)
    response = client.get(reverse("cases:person_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("cases:person_list")).status_code == 302


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(client, officer):
    client.force_login(officer)
    client.get(reverse("cases:person_list"))
    _age_session(client, started=12 * 3600 + 1, seen=10)
    response = client.get(reverse("cases:person_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_limits_are_settings(client, officer, settings):
    settings.RELIEF_SESSION_IDLE_SECONDS = 60
    client.force_login(officer)
    client.get(reverse("cases:person_list"))
    _age_session(client, seen=120)
    assert client.get(reverse("cases:person_list")).status_code == 302


@pytest.fixture
def a_visit(union_a, officer):
    return visit(hardship_case(person_in(union_a), officer), officer)


def test_an_uploaded_pdf_is_a_sandboxed_download(client, officer, a_visit, private_storage):
    pdf = add_attachment(a_visit, upload("诊断书.pdf", pdf_bytes(), "application/pdf"), by=officer)
    client.force_login(officer)
    response = client.get(reverse("cases:attachment_download", args=[pdf.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_uploaded_photo_stays_inline_but_sandboxed(client, officer, a_visit, private_storage):
    photo = add_attachment(a_visit, upload("门口.jpg", jpeg_bytes()), by=officer)
    client.force_login(officer)
    for name in ("cases:attachment_download", "cases:attachment_thumbnail"):
        response = client.get(reverse(name, args=[photo.pk]))
        assert response["Content-Disposition"].startswith("inline")
        assert response["Content-Security-Policy"] == "sandbox"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_the_production_settings_pass_the_deploy_check():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "relief.settings.production",
        "SECRET_KEY": "x" * 20 + "-production-like-secret-key-of-fifty-plus-chars-9Zq",
        "AUDIT_CHAIN_KEY": "chain-key",
        "DATABASE_URL": "postgres://relief@127.0.0.1:5432/relief",
        "ALLOWED_HOSTS": "relief.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
