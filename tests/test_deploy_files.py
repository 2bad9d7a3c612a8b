"""The files of deploy/ agree with the code: the environment template names every variable the
settings read, and gunicorn's configuration loads and follows the environment."""

import re
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ = re.compile(r"""(?:os\.environ|env)(?:\.get\(|\[)\s*["']([A-Z][A-Z0-9_]+)["']""")
NOT_FOR_PRODUCTION = {"DEBUG", "RELIEF_TEST_DB_NAME", "RELIEF_TEST_AXES"}


def _variables_read() -> set[str]:
    sources = [*(ROOT / "relief" / "settings").glob("*.py"), ROOT / "deploy" / "gunicorn.conf.py"]
    names = set()
    for source in sources:
        if source.name != "test.py":
            names |= set(READ.findall(source.read_text()))
    return names - NOT_FOR_PRODUCTION


def test_the_environment_template_names_every_variable_the_settings_read():
    template = (ROOT / "deploy" / "relief.env").read_text()
    listed = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", template, flags=re.MULTILINE))
    read = _variables_read()
    assert {"SECRET_KEY", "DATABASE_URL", "RELIEF_S3_BUCKET", "GUNICORN_WORKERS"} <= read
    assert read - listed == set()


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
