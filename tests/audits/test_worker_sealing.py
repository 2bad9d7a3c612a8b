"""Sealing is the worker's: a writer leaves its entries unsealed and queues one seal, and a
`verify_audit --no-seal` meanwhile reports the unsealed tail as waiting, not as tampering,
while still checking each unsealed row against its own digest."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from audits.chain import sealing
from audits.models import AccessLog, ChangeEntry
from cases.models import Person
from cases.services import save_person
from tests.factories import PersonFactory

from .test_verify_audit import as_database_administrator, trail  # noqa: F401 — fixture

pytestmark = pytest.mark.django_db
SEAL_TASK = "audits.tasks.seal_chains"


@pytest.fixture
def worker_queue(settings):
    """Tasks go to the database queue a `db_worker` reads, as in production; no delay, so the
    test's worker run finds the seal due; this process has asked for no seal yet."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.AUDIT_SEAL_DELAY = 0
    sealing._asked_until.clear()
    yield
    sealing._asked_until.clear()


def run_worker() -> None:
    """What a `db_worker` does with each due seal (its own command closes the connection after
    a task, which would end the test's transaction on PostgreSQL)."""
    for result in DBTaskResult.objects.ready().filter(task_path=SEAL_TASK):
        result.claim("test-worker")
        args = result.args_kwargs
        result.set_successful(result.task.call(*args["args"], **args["kwargs"]))


def test_a_save_queues_one_seal_and_the_worker_links_its_entries(
    officer, union_a, worker_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        person = PersonFactory.build(organisation=union_a)
        save_person(person, by=officer, reason="登记")
    entries = ChangeEntry.objects.filter(model="cases.person", object_id=str(person.pk))
    assert list(entries.values_list("chain_seq", flat=True)) == [None]
    assert DBTaskResult.objects.filter(task_path=SEAL_TASK, status="READY").count() == 1

    run_worker()

    assert None not in entries.values_list("chain_seq", flat=True)
    assert not DBTaskResult.objects.filter(task_path=SEAL_TASK, status="READY").exists()
    out = io.StringIO()
    call_command("verify_audit", "--full", "--no-seal", stdout=out)
    assert "intact" in out.getvalue()


def test_a_process_asks_for_a_seal_at_most_once_per_delay(
    officer, union_a, worker_queue, settings, django_capture_on_commit_callbacks
):
    settings.AUDIT_SEAL_DELAY = 60
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            save_person(PersonFactory.build(organisation=union_a), by=officer, reason=f"登记{n}")
    assert DBTaskResult.objects.filter(task_path=SEAL_TASK).count() == 1


def test_verify_without_sealing_reports_the_unsealed_tail_as_waiting(trail):  # noqa: F811
    waiting = ChangeEntry.objects.filter(chain_seq__isnull=True).count()
    assert waiting >= 6  # the fixtures and three people saved twice: nobody has sealed yet
    out = io.StringIO()
    call_command("verify_audit", "--full", "--no-seal", stdout=out)
    assert f"{waiting} change entries waiting to be sealed" in out.getvalue()
    assert "1 access entries waiting to be sealed" in out.getvalue()
    assert "intact" in out.getvalue()
    assert ChangeEntry.objects.filter(chain_seq__isnull=True).count() == waiting  # read-only
    assert AccessLog.objects.filter(chain_seq__isnull=True).count() == 1


def test_an_unsealed_history_row_changed_by_sql_is_caught_by_its_own_digest(trail):  # noqa: F811
    table = Person.history.model._meta.db_table
    target = Person.history.filter(id=trail[0].pk).order_by("history_id").last()
    with as_database_administrator(table), connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{table}" SET bank_account = %s WHERE history_id = %s',  # noqa: S608
            ["6222000000000000009", target.history_id],
        )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit", "--full", "--no-seal", stdout=io.StringIO(), stderr=err)
    assert f"cases.person history_id={target.history_id}" in err.getvalue().splitlines()[0]
