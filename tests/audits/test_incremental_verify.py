# ruff: noqa: S608, F811 — SQL on our own tables, on purpose; `trail` is a shared fixture
"""`verify_audit` continues from the last verified position, which is signed; `--full` and the
daily worker run verify from the start. Tampering after the position is caught incrementally;
tampering before it is caught by `--full` and by the daily run; a position moved by hand, or a
chain rewritten behind it, is reported and the run falls back to a full one."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audits.chain import position, seal_pending
from audits.models import AccessLog, ChangeEntry, VerifiedPosition
from audits.tasks import AuditTrailNotIntact, verify_fully
from cases.services import save_person
from core.access import AccessAction, log_access
from tests.audits.test_verify_audit import HP, TABLE, as_database_administrator, trail  # noqa: F401


def verify(*args: str) -> str:
    out = io.StringIO()
    call_command("verify_audit", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def failing(*args: str) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit", *args, stdout=io.StringIO(), stderr=err)
    assert failure.value.returncode == 1
    return err.getvalue()


def change(person, officer, position_name="辅导员") -> int:
    """One new change through the service; returns its history id."""
    person.position = position_name
    save_person(person, by=officer, reason="岗位调整")
    return HP.objects.filter(id=person.pk).latest("history_id").history_id


def tamper_history(history_id: int, bank_account: str = "6222000000000000009") -> None:
    seal_pending()
    with as_database_administrator(TABLE), connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{TABLE}" SET bank_account = %s WHERE history_id = %s',
            [bank_account, history_id],
        )


@pytest.mark.django_db
def test_a_clean_run_records_a_signed_position_and_the_next_run_continues_from_it(trail):
    assert "full verification" in verify()
    stored = VerifiedPosition.objects.get()
    body = json.loads(stored.body)
    assert body["change_seq"] == ChangeEntry.objects.count()
    assert body["history"]["cases.person"] == HP.objects.latest("history_id").history_id
    assert len(stored.signature) == 64
    assert f"incremental verification from change seq {body['change_seq']}" in verify()
    assert "full verification" in verify("--full")


@pytest.mark.django_db
def test_a_history_row_changed_after_the_position_is_caught_incrementally(trail, officer):
    verify()
    history_id = change(trail[0], officer)
    tamper_history(history_id)
    before = VerifiedPosition.objects.get().body
    report = failing()
    assert f"cases.person history_id={history_id}" in report.splitlines()[0]
    assert VerifiedPosition.objects.get().body == before  # a failed run does not advance it


@pytest.mark.django_db
def test_a_forged_row_and_an_edited_access_log_after_the_position_are_caught(trail, officer):
    verify()
    log_access(user=officer, action=AccessAction.REVEAL, obj=trail[1], field="bank_account")
    seal_pending()
    log = AccessLog.objects.latest("id")
    forged = HP.objects.filter(id=trail[2].pk).values().first()
    forged.pop("history_id")
    forged["bank_account"] = "6222999999999999999"
    table = AccessLog._meta.db_table
    with as_database_administrator(TABLE, table), connection.cursor() as cursor:
        row = HP.objects.create(**forged)
        cursor.execute(f'UPDATE "{table}" SET username = %s WHERE id = %s', ["someone", log.pk])
    report = failing()
    assert f"cases.person history_id={row.history_id}" in report
    assert "伪造" in report
    assert f"audits.accesslog id={log.pk}" in report


@pytest.mark.django_db
def test_a_live_row_changed_by_sql_after_its_last_change_is_caught_incrementally(trail, officer):
    verify()
    change(trail[0], officer)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{trail[0]._meta.db_table}" SET bank_account = %s WHERE id = %s',
            ["6222000000000000777", trail[0].pk],
        )
    report = failing()
    assert f"cases.person id={trail[0].pk}" in report
    assert "bank_account" in report


@pytest.mark.django_db
def test_tampering_before_the_position_is_caught_by_full_and_by_the_daily_run(trail, officer):
    old = HP.objects.filter(id=trail[1].pk).earliest("history_id").history_id
    verify()
    tamper_history(old)
    change(trail[0], officer)
    # The incremental run reads only what came after the position: that is the trade-off.
    assert "intact" in verify()
    report = failing("--full")
    assert f"cases.person history_id={old}" in report.splitlines()[0]
    with pytest.raises(AuditTrailNotIntact, match=f"history_id={old}"):
        verify_fully()


@pytest.mark.django_db
def test_the_daily_run_fails_naming_the_tampered_row_and_still_stores_the_checkpoint(
    trail, officer, monkeypatch
):
    import uuid

    from audits import checkpoints, tasks

    monkeypatch.setattr(checkpoints, "STORAGE_DIR", f"audit/checkpoints-{uuid.uuid4().hex}")
    verify()
    old = HP.objects.filter(id=trail[1].pk).earliest("history_id").history_id
    tamper_history(old)
    result = tasks.store_daily_checkpoint.enqueue()
    assert result.status == "FAILED"
    assert f"history_id={old}" in str(result.errors[0].traceback)
    assert checkpoints.stored_checkpoints()


@pytest.mark.django_db
def test_a_position_advanced_by_hand_is_reported_and_the_run_is_full(trail, officer):
    verify()
    old = HP.objects.filter(id=trail[1].pk).earliest("history_id").history_id
    tamper_history(old)
    stored = VerifiedPosition.objects.get()
    body = json.loads(stored.body)
    body["history"]["cases.person"] += 1000
    body["change_seq"] += 1000
    VerifiedPosition.objects.filter(pk=stored.pk).update(body=json.dumps(body))
    report = failing()
    assert "已验证位置的签名不符" in report.splitlines()[0]
    assert f"cases.person history_id={old}" in report


@pytest.mark.django_db
def test_a_chain_rewritten_behind_the_position_is_reported_and_the_run_is_full(trail):
    verify()
    stored = position.stored()[0]
    table = ChangeEntry._meta.db_table
    with as_database_administrator(table), connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{table}" SET chain_digest = %s WHERE chain_seq = %s',
            ["0" * 64, stored.change_seq],
        )
    report = failing()
    assert f"seq={stored.change_seq}" in report.splitlines()[0]
    assert "已验证位置之前的链被改写" in report


@pytest.mark.django_db
def test_a_tail_rolled_back_behind_the_position_is_reported(trail):
    verify()
    stored = position.stored()[0]
    last = ChangeEntry.objects.get(chain_seq=stored.change_seq)
    table = ChangeEntry._meta.db_table
    with as_database_administrator(table, TABLE), connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{table}" WHERE id = %s', [last.pk])
        cursor.execute(f'DELETE FROM "{TABLE}" WHERE history_id = %s', [last.history_id])
    report = failing()
    assert f"seq={stored.change_seq}" in report.splitlines()[0]


@pytest.mark.django_db
def test_a_clean_full_run_replaces_a_position_that_failed_its_signature(trail):
    verify()
    VerifiedPosition.objects.update(signature="0" * 64)
    assert "已验证位置的签名不符" in failing()
    assert "intact" in verify("--full")
    assert "incremental" in verify()


@pytest.mark.django_db
def test_a_position_signed_with_a_key_no_longer_configured_is_ignored_quietly(trail, settings):
    verify()
    settings.AUDIT_CHAIN_OLD_KEYS = [settings.AUDIT_CHAIN_KEY]
    settings.AUDIT_CHAIN_KEY = "a-new-audit-key"
    assert "incremental" in verify()  # the old key still verifies the position
    settings.AUDIT_CHAIN_OLD_KEYS = []
    VerifiedPosition.objects.update(key_id="000000000000")
    assert position.stored() == (None, [])
