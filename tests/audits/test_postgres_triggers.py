# ruff: noqa: S608 — the SQL here names our own tables, on purpose, to tamper with them
"""On PostgreSQL the audit tables refuse TRUNCATE (statement-level triggers) and the chain head
refuses to move backwards or to change its digest in place."""

import pytest
from django.db import DatabaseError, connection, transaction

from audits.chain import seal_pending
from audits.models import AccessLog, ChainHead, ChangeEntry, HistoryColumns

from .test_verify_audit import TABLE, postgres_only, run_verify, trail  # noqa: F401

pytestmark = [pytest.mark.postgres, postgres_only, pytest.mark.django_db]


@pytest.mark.parametrize(
    "table",
    [
        TABLE,
        ChangeEntry._meta.db_table,
        AccessLog._meta.db_table,
        ChainHead._meta.db_table,
        HistoryColumns._meta.db_table,
    ],
)
def test_truncate_of_an_audit_table_is_refused(trail, table):  # noqa: F811
    with (
        pytest.raises(DatabaseError, match="TRUNCATE"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # The test settings allow TRUNCATE for flushing; an ordinary session does not.
        cursor.execute("SET LOCAL relief.allow_truncate = 'off'")
        cursor.execute(f'TRUNCATE "{table}" CASCADE')
    assert "intact" in run_verify()


def test_the_chain_head_cannot_move_backwards_or_change_its_digest(trail):  # noqa: F811
    seal_pending()
    head = ChainHead.objects.get(name="change")
    previous = ChangeEntry.objects.get(chain_seq=head.seq - 1)
    attempts = [
        (
            "UPDATE {t} SET seq = %s, digest = %s WHERE name = 'change'",
            [head.seq - 1, previous.chain_digest],
        ),
        ("UPDATE {t} SET digest = %s WHERE name = 'change'", ["0" * 64]),
        ("DELETE FROM {t} WHERE name = 'change'", []),
    ]
    for sql, params in attempts:
        with (
            pytest.raises(DatabaseError, match="only grows"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql.format(t=f'"{ChainHead._meta.db_table}"'), params)
    assert ChainHead.objects.get(name="change").seq == head.seq
