"""Under pytest-xdist the test database is migrated once per run and copied for each worker.

Migrating costs about 24 s of CPU (Django renders the migration state of some 80 migrations), and
every xdist worker used to pay it, on SQLite and again on PostgreSQL. Now the first worker to take
the lock migrates a template database; every worker then copies it: PostgreSQL with
`CREATE DATABASE … TEMPLATE`, SQLite by loading the template file into its in-memory database.
The migrations, their triggers and the post_migrate data are still built by `migrate` in every
run, so they stay under test; only the repetition goes.
"""

import fcntl
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import setup_databases, teardown_databases

STATE = Path(tempfile.gettempdir()) / "relief-migrated-once"


@contextmanager
def _locked(name: str) -> Iterator[Path]:
    """One worker at a time: building the template, copying it, counting who is done."""
    STATE.mkdir(exist_ok=True)
    with open(STATE / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield STATE / name
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _template_name(connection, run: str) -> str:
    """SQLite: a file of this run's; PostgreSQL: the test database's own name, whose copies get
    the worker's suffix (a template left by a killed run is replaced by the next)."""
    if connection.vendor == "sqlite":
        STATE.mkdir(exist_ok=True)
        return str(STATE / f"{run}.sqlite3")
    return connection.creation._get_test_db_name()


def _build_template(connection, template: str, verbosity: int) -> None:
    """Migrate the template (SQLite: a file, whatever the test database's own name)."""
    test_name = connection.settings_dict["TEST"].get("NAME")
    connection.settings_dict["TEST"]["NAME"] = template
    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
    connection.close()
    connection.settings_dict["NAME"] = settings.DATABASES[connection.alias]["NAME"] = original
    connection.settings_dict["TEST"]["NAME"] = test_name


def _copy_template(connection, template: str, worker: str) -> tuple[str, str]:
    """Point the connection at this worker's copy of the template; (original name, copy)."""
    original = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        copy = connection.creation._get_test_db_name()  # the in-memory database
        connection.settings_dict["NAME"] = settings.DATABASES[connection.alias]["NAME"] = copy
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{template}?mode=ro", uri=True)
        source.backup(connection.connection)
        source.close()
        return original, copy
    connection.settings_dict["NAME"] = template
    connection.creation.clone_test_db(suffix=worker, verbosity=0, autoclobber=True)
    copy = connection.creation.get_test_db_clone_settings(worker)["NAME"]
    connection.settings_dict["NAME"] = settings.DATABASES[connection.alias]["NAME"] = copy
    return original, copy


def _drop(connection, name: str) -> None:
    if connection.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)
        return
    # FORCE: a live_server thread's connection may still be open at the end of the session.
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's database set-up, except that xdist workers share one migration."""
    verbosity = request.config.option.verbose
    workerinput = getattr(request.config, "workerinput", None)
    connection = connections["default"]
    if (
        workerinput is None
        or len(settings.DATABASES) != 1
        or not django_db_use_migrations
        or (django_db_keepdb and not django_db_createdb)
    ):
        with django_db_blocker.unblock():
            db_cfg = setup_databases(
                verbosity=verbosity,
                interactive=False,
                serialized_aliases=set(),
                keepdb=django_db_keepdb and not django_db_createdb,
            )
        yield
        if not (django_db_keepdb and not django_db_createdb):
            with django_db_blocker.unblock():
                teardown_databases(db_cfg, verbosity=verbosity)
        return

    worker, run = workerinput["workerid"], workerinput["testrunuid"]
    if connection.vendor == "postgresql":
        # pytest-django's suffix would name the template test_x_gw0; the copies get it instead.
        connection.settings_dict["TEST"]["NAME"] = connection.settings_dict["TEST"][
            "NAME"
        ].removesuffix(f"_{worker}")
    template = _template_name(connection, run)
    stem = Path(template).stem
    with django_db_blocker.unblock(), _locked(stem) as state:
        built = state.with_suffix(".built")
        if not (built.exists() and built.read_text() == run):
            _build_template(connection, template, verbosity)
            built.write_text(run)
            state.with_suffix(".done").write_text("0")
        original, copy = _copy_template(connection, template, worker)
    yield
    with django_db_blocker.unblock():
        connection.close()
        if connection.vendor == "postgresql":
            try:
                _drop(connection, copy)
            except Exception as exc:  # noqa: BLE001 — as pytest-django: warn, do not fail
                request.node.warn(pytest.PytestWarning(f"Could not drop {copy}: {exc!r}"))
        connection.settings_dict["NAME"] = settings.DATABASES[connection.alias]["NAME"] = original
        with _locked(stem) as state:
            done = state.with_suffix(".done")
            finished = int(done.read_text() or 0) + 1 if done.exists() else 1
            done.write_text(str(finished))
            if finished >= int(workerinput["workercount"]):
                _drop(connection, template)
                state.with_suffix(".built").unlink(missing_ok=True)
                done.unlink()
