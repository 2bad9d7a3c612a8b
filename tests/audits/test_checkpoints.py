# ruff: noqa: S608 — the SQL here names our own tables, on purpose, to tamper with them
"""External checkpoints: `audit_checkpoint --out FILE` and `verify_audit --checkpoint FILE` catch
what the chain alone cannot — its newest rows removed with the head moved back, or a table
emptied — and name the first missing sequence."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audits.checkpoints import FORMAT, audited_tables
from audits.models import AccessLog, ChainHead, ChangeEntry
from cases.services import save_person
from tests.audit_helpers import assert_audit_intact

from .test_verify_audit import HP, TABLE, as_database_administrator, run_verify, trail  # noqa: F401

pytestmark = pytest.mark.django_db
HEAD_TABLE = ChainHead._meta.db_table
ENTRY_TABLE = ChangeEntry._meta.db_table
ACCESS_TABLE = AccessLog._meta.db_table


def write_checkpoint(tmp_path) -> tuple[str, dict]:
    path = tmp_path / "checkpoint.json"
    out = io.StringIO()
    call_command("audit_checkpoint", "--out", str(path), stdout=out)
    assert "written" in out.getvalue()
    return str(path), json.loads(path.read_text())


def verify_with(path: str) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit", "--checkpoint", path, stdout=io.StringIO(), stderr=err)
    assert failure.value.returncode == 1
    return err.getvalue()


def roll_back_the_tail():
    """Delete the newest change entry and its history row, and set the head back one step by
    copying the previous entry's values — the attack the chain alone does not see."""
    newest = ChangeEntry.objects.order_by("-chain_seq").first()
    previous = ChangeEntry.objects.get(chain_seq=newest.chain_seq - 1)
    with (
        as_database_administrator(TABLE, ENTRY_TABLE, HEAD_TABLE),
        connection.cursor() as cursor,
    ):
        cursor.execute(f'DELETE FROM "{TABLE}" WHERE history_id = %s', [newest.history_id])
        cursor.execute(f'DELETE FROM "{ENTRY_TABLE}" WHERE id = %s', [newest.pk])
        cursor.execute(
            f"UPDATE \"{HEAD_TABLE}\" SET seq = %s, digest = %s WHERE name = 'change'",
            [previous.chain_seq, previous.chain_digest],
        )
    return newest


def test_a_checkpoint_records_both_chains_every_audited_table_and_is_signed(trail, tmp_path):  # noqa: F811
    _path, checkpoint = write_checkpoint(tmp_path)
    assert checkpoint["format"] == FORMAT
    chains = {c["name"]: c for c in checkpoint["chains"]}
    assert chains["change"]["seq"] == ChangeEntry.objects.count()
    assert chains["change"]["digest"] == ChainHead.objects.get(name="change").digest
    assert chains["access"]["seq"] == AccessLog.objects.count()
    assert set(checkpoint["tables"]) == set(audited_tables())
    assert checkpoint["tables"][TABLE] == HP.objects.count() == 6
    assert len(checkpoint["key_id"]) == 12 and len(checkpoint["signature"]) == 64


def test_a_chain_that_grew_since_the_checkpoint_verifies(trail, tmp_path, officer):  # noqa: F811
    path, _checkpoint = write_checkpoint(tmp_path)
    trail[0].position = "校长"
    save_person(trail[0], by=officer, reason="之后的修改")
    out = io.StringIO()
    call_command("verify_audit", "--checkpoint", path, stdout=out, stderr=io.StringIO())
    assert "intact" in out.getvalue()


def test_a_tail_rolled_back_after_a_checkpoint_is_named_by_its_first_missing_sequence(
    trail,  # noqa: F811
    tmp_path,
):
    path, _checkpoint = write_checkpoint(tmp_path)
    newest = roll_back_the_tail()
    report = verify_with(path)
    first = report.splitlines()[0]
    assert f"audits.changeentry chain seq={newest.chain_seq}" in first
    assert "缺失" in first
    assert f"{TABLE} rows=5" in report


def test_an_emptied_access_log_is_caught_by_the_checkpoint(trail, tmp_path):  # noqa: F811
    path, checkpoint = write_checkpoint(tmp_path)
    with (
        as_database_administrator(ACCESS_TABLE, HEAD_TABLE),
        connection.cursor() as cursor,
    ):
        cursor.execute(f'DELETE FROM "{ACCESS_TABLE}"')
        cursor.execute(f"UPDATE \"{HEAD_TABLE}\" SET seq = 0, digest = '' WHERE name = 'access'")
    report = verify_with(path)
    assert "audits.accesslog chain seq=1" in report
    assert f"{ACCESS_TABLE} rows=0" in report


def test_an_edited_checkpoint_is_refused_as_such(trail, tmp_path):  # noqa: F811
    path, checkpoint = write_checkpoint(tmp_path)
    checkpoint["chains"][0]["seq"] = 3
    (tmp_path / "checkpoint.json").write_text(json.dumps(checkpoint))
    assert "检查点签名不符" in verify_with(path)


def test_a_file_that_is_not_a_checkpoint_exits_with_two(tmp_path, db):
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit", "--checkpoint", str(tmp_path / "x.json"))
    assert failure.value.returncode == 2


def test_writing_a_checkpoint_leaves_the_trail_intact(trail, tmp_path):  # noqa: F811
    write_checkpoint(tmp_path)
    assert_audit_intact()


@pytest.fixture
def checkpoint_dir(monkeypatch):
    import uuid

    from audits import checkpoints

    monkeypatch.setattr(checkpoints, "STORAGE_DIR", f"audit/checkpoints-{uuid.uuid4().hex}")


def test_the_worker_stores_one_checkpoint_a_day_and_the_auditor_downloads_the_latest(
    client,
    auditor,
    trail,  # noqa: F811
    checkpoint_dir,
):
    from audits.checkpoints import stored_checkpoints
    from audits.tasks import store_daily_checkpoint
    from core.access import AccessAction

    first = store_daily_checkpoint.enqueue().return_value
    assert store_daily_checkpoint.enqueue().return_value == first  # once a day
    assert stored_checkpoints() == [first]
    client.force_login(auditor)
    response = client.get("/audit/checkpoint/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    checkpoint = json.loads(b"".join(response.streaming_content))
    assert checkpoint["format"] == FORMAT and checkpoint["tables"][TABLE] == 6
    assert AccessLog.objects.filter(
        action=AccessAction.EXPORT, object_type="audits.checkpoint", user=auditor
    ).exists()
    assert "/audit/checkpoint/" in client.get("/audit/").content.decode()


def test_without_a_stored_checkpoint_the_download_is_not_found(client, auditor, checkpoint_dir):
    client.force_login(auditor)
    assert client.get("/audit/checkpoint/").status_code == 404


@pytest.mark.parametrize("role", ["officer", "finance", "administrator"])
def test_other_roles_cannot_download_the_checkpoint(client, request, role, checkpoint_dir):
    from audits.checkpoints import store_checkpoint

    store_checkpoint()
    client.force_login(request.getfixturevalue(role))
    assert client.get("/audit/checkpoint/").status_code == 403


def test_a_daily_run_that_fails_still_queues_the_next_one(monkeypatch, db):
    """One failed run (the storage down for a moment) must not end the series of daily runs."""
    from audits import tasks

    def storage_down():
        raise OSError("object store unreachable")

    scheduled = []
    monkeypatch.setattr(tasks, "stored_today", lambda: False)
    monkeypatch.setattr(tasks, "store_checkpoint", storage_down)
    monkeypatch.setattr(tasks, "schedule_daily_checkpoint", lambda: scheduled.append(True))
    with pytest.raises(OSError, match="unreachable"):
        tasks.store_daily_checkpoint.call()
    assert scheduled == [True]
