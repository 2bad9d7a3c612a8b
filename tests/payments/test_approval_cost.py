"""What one approval costs in SQL statements (issue 13: ≤ 12 with BEGIN and COMMIT), and who
seals its audit entry. Since the prebuilt statements (`approval_reads`, `approval_writes`): the
locks, the figures, the UPDATE, the history INSERT, the audit entry's read-back and INSERT, the
tallies' upsert, and at most once a second the seal's queueing: 8, so 10 with BEGIN and COMMIT.
On PostgreSQL the UPDATE, the history INSERT and the tallies' upsert are one statement: 6, so 8.

The request path writes the entry unsealed and, after its commit, only queues a seal for the
worker (at most once per `AUDIT_SEAL_DELAY` per process): that queueing is counted, the seal is
the worker's. The test transaction's SAVEPOINT and RELEASE statements stand in for BEGIN/COMMIT
and are not counted.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from audits.models import ChangeEntry
from payments import services
from payments.models import PaymentStatus
from tests.audit_helpers import assert_audit_intact
from tests.audits.test_worker_sealing import run_worker, worker_queue  # noqa: F401

pytestmark = pytest.mark.django_db
MAX_STATEMENTS = 8  # 12 before the prebuilt statements (14 with BEGIN and COMMIT)
MAX_STATEMENTS_POSTGRESQL = 6


def statements(context) -> list[str]:
    return [
        q["sql"]
        for q in context.captured_queries
        if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


@pytest.mark.usefixtures("worker_queue")
def test_an_approval_with_its_history_index_and_tallies_takes_at_most_eight_statements(
    walk, finance, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        walk("approved")  # warm the per-process caches, as a running server has them
        payment = walk("submitted")
    run_worker()
    with (
        CaptureQueriesContext(connection) as context,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.approve_payment(payment, by=finance)
    sql = statements(context)
    assert payment.status == PaymentStatus.APPROVED
    limit = MAX_STATEMENTS_POSTGRESQL if connection.vendor == "postgresql" else MAX_STATEMENTS
    assert len(sql) <= limit, "\n".join(sql)
    entry = ChangeEntry.objects.get(
        model="payments.payment", history_id=payment.history.first().history_id
    )
    assert entry.chain_seq is None  # not sealed on the request path...
    assert DBTaskResult.objects.filter(
        task_path="audits.tasks.seal_chains", status="READY"
    ).exists()  # ...but queued for the worker

    run_worker()
    entry.refresh_from_db()
    assert entry.chain_seq is not None
    assert_audit_intact()
