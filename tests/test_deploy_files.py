"""The files of deploy/ agree with the code: the environment template names every variable the
settings read, and gunicorn's configuration loads and follows the environment."""

import re
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ = re.compile(r"""(?:os\.environ|env)(?:\.get\(|\[)\s*["']([A-Z][A-Z0-9_]+)["']""")
NOT_FOR_PRODUCTION = {"DEBUG", "RELIEF_TEST_DB_NAME", "RELIEF_TEST_AXES"}
KNOWN = {
    *("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CONN_MAX_AGE", "SECURE_SSL_REDIRECT"),
    *("AUDIT_CHAIN_KEY", "AUDIT_CHAIN_OLD_KEYS", "RELIEF_API_RATE", "LOG_LEVEL"),
    *("RELIEF_VAR_DIR", "RELIEF_X_ACCEL_REDIRECT", "RELIEF_LOG_FORMAT"),
    *("RELIEF_S3_BUCKET", "RELIEF_S3_ENDPOINT_URL", "RELIEF_S3_ACCESS_KEY"),
    *("RELIEF_S3_SECRET_KEY", "RELIEF_S3_REGION", "RELIEF_S3_ADDRESSING_STYLE", "RELIEF_S3_PREFIX"),
    *("RELIEF_WORKER_HEARTBEAT_SECONDS", "RELIEF_WORKER_STALE_SECONDS"),
    *("RELIEF_JOB_MAX_ATTEMPTS", "RELIEF_READY_MAX_QUEUE_AGE_SECONDS"),
    *("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_TIMEOUT", "GUNICORN_MAX_REQUESTS"),
    *("GUNICORN_FORWARDED_ALLOW_IPS", "GUNICORN_ACCESS_LOG", "GUNICORN_THREADS"),
}


def _variables_read() -> set[str]:
    sources = [*(ROOT / "relief" / "settings").glob("*.py"), ROOT / "deploy" / "gunicorn.conf.py"]
    names = set()
    for source in sources:
        if source.name != "test.py":
            names |= set(READ.findall(source.read_text()))
    return names - NOT_FOR_PRODUCTION


def test_the_environment_template_names_every_variable_the_settings_read():
    """A setting read from the environment but missing from deploy/relief.env is a setting an
    administrator cannot find: add it there, commented out with its default.

    Checked against the variables the settings read today (all of them when this was written),
    so another branch adding a variable does not turn the suite red behind its back; extend
    KNOWN when you add one."""
    template = (ROOT / "deploy" / "relief.env").read_text()
    listed = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", template, flags=re.MULTILINE))
    assert KNOWN - listed == set(), "add these to deploy/relief.env"
    assert _variables_read() >= KNOWN, "KNOWN names a variable the settings no longer read"


def test_gunicorn_takes_its_numbers_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9001")
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("RELIEF_LOG_FORMAT", "json")
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert config["bind"] == "127.0.0.1:9001"
    assert config["workers"] == 3
    assert config["access_log_format"].startswith("{")
    monkeypatch.delenv("GUNICORN_WORKERS")
    assert 3 <= runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))["workers"] <= 12


def test_the_systemd_units_run_gunicorn_and_the_worker_with_the_environment_file():
    web = (ROOT / "deploy" / "systemd" / "relief-web.service").read_text()
    worker = (ROOT / "deploy" / "systemd" / "relief-worker@.service").read_text()
    assert "gunicorn -c deploy/gunicorn.conf.py relief.wsgi" in web
    assert "manage.py db_worker --no-reload" in worker
    for unit in (web, worker):
        assert "EnvironmentFile=/etc/relief/relief.env" in unit
        assert "Restart=on-failure" in unit
