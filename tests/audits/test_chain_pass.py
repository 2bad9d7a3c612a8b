# ruff: noqa: S608 — the SQL here names our own tables, on purpose, to tamper with them
"""The SQLite pass over the change chain (`audits.chain.fastverify`), whole and split in two
halves as a long chain is (the second half in a forked process where the database is a file;
here, in the test's transaction, after the first): tampering in either half, at the middle row
and outside the chain's sequence numbers is found and named by `verify_audit --full`."""

import io
import os

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audits.chain import fastverify, forked, seal_pending
from audits.chain.verification import _Keys
from audits.models import ChainHead, ChangeEntry
from audits.registry import tracked_models
from cases.models import Person
from tests.audits.test_verify_audit import trail  # noqa: F401 — the fixture

HP = Person.history.model
TABLE = HP._meta.db_table

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the pass is SQLite's")


@pytest.fixture(params=["whole", "split"])
def halves(request, monkeypatch, settings):
    """The pass over the whole chain, or split at its middle row (any chain is long enough)."""
    settings.AUDIT_VERIFY_PROCESSES = 2 if request.param == "split" else 1
    monkeypatch.setattr(fastverify, "SPLIT_MIN", 1)
    return request.param


def failing_full_verify() -> list[str]:
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit", "--full", stdout=io.StringIO(), stderr=err)
    return err.getvalue().splitlines()


@sqlite_only
@pytest.mark.django_db
def test_the_pass_links_the_whole_chain_and_vouches_for_every_row(trail, halves):  # noqa: F811
    seal_pending()
    result = fastverify.ChainPass(_Keys()).run((0, ""), full=True)
    head = ChainHead.objects.get(name="change")
    assert result.chain_end == (head.seq, head.digest)
    assert result.suspects == {}
    out = io.StringIO()
    call_command("verify_audit", "--full", stdout=out)
    assert "intact" in out.getvalue()


@sqlite_only
@pytest.mark.django_db
def test_rows_changed_in_either_half_are_both_named(trail, halves):  # noqa: F811
    seal_pending()
    head = ChainHead.objects.get(name="change")
    first, last = ChangeEntry.objects.get(chain_seq=1), ChangeEntry.objects.get(chain_seq=head.seq)
    with connection.cursor() as cursor:
        for entry in (first, last):
            history = tracked_models()[entry.model].history_model._meta.db_table
            cursor.execute(
                f'UPDATE "{history}" SET history_change_reason = %s WHERE history_id = %s',
                ["改过", entry.history_id],
            )
    report = failing_full_verify()
    assert f"{first.model} history_id={first.history_id}" in report[0]
    assert any(f"{last.model} history_id={last.history_id}" in line for line in report)


@sqlite_only
@pytest.mark.django_db
def test_a_changed_link_at_the_middle_row_is_named(trail, halves):  # noqa: F811
    seal_pending()
    middle = ChainHead.objects.get(name="change").seq // 2
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{ChangeEntry._meta.db_table}" SET chain_digest = %s WHERE chain_seq = %s',
            ["0" * 64, middle],
        )
    report = failing_full_verify()
    assert f"audits.changeentry chain seq={middle}" in report[0]


@sqlite_only
@pytest.mark.django_db
def test_an_entry_outside_the_sequence_does_not_vouch_for_a_forged_row(trail, halves):  # noqa: F811
    """An entry with a sequence number no link reaches (zero) is still read and its digest
    checked, so its forged row is named, and the counts of rows and entries cannot hide it."""
    seal_pending()
    forged = HP.objects.filter(id=trail[0].pk).values().first()
    forged.pop("history_id")
    row = HP.objects.create(**forged)
    copied = ChangeEntry.objects.filter(model="cases.person").first()
    ChangeEntry.objects.create(
        at=row.history_date,
        model="cases.person",
        object_id=str(row.id),
        history_id=row.history_id,
        kind=row.history_type,
        digest=copied.digest,
        key_id=copied.key_id,
        columns_id=copied.columns_id,
        chain_seq=0,
        chain_digest=copied.chain_digest,
    )
    report = failing_full_verify()
    assert f"cases.person history_id={row.history_id}" in report[0]


@sqlite_only
@pytest.mark.django_db
def test_a_deferred_half_runs_in_a_child_process_and_reports_its_failure(monkeypatch):
    monkeypatch.setattr(forked, "can_fork", lambda: True)
    assert forked.Deferred(os.getpid).result() != os.getpid()

    def broken():
        raise ValueError("no such table")

    with pytest.raises(RuntimeError, match="ValueError: no such table"):
        forked.Deferred(broken).result()
