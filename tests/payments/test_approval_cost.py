"""What one approval costs in SQL statements, audit sealing included (issue 13: ≤ 12).

Counted with the after-commit sealing run, as in production; the test transaction's SAVEPOINT
and RELEASE statements stand in for BEGIN/COMMIT and are not counted.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.models import ChangeEntry
from payments import services
from payments.models import PaymentStatus
from tests.audit_helpers import assert_audit_intact

pytestmark = pytest.mark.django_db
MAX_STATEMENTS = 12


def statements(context) -> list[str]:
    return [
        q["sql"]
        for q in context.captured_queries
        if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_an_approval_with_its_history_index_and_seal_takes_at_most_twelve_statements(
    walk, finance, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        walk("approved")  # warm the per-process caches, as a running server has them
        payment = walk("submitted")
    with (
        CaptureQueriesContext(connection) as context,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.approve_payment(payment, by=finance)
    sql = statements(context)
    assert payment.status == PaymentStatus.APPROVED
    entry = ChangeEntry.objects.get(
        model="payments.payment", history_id=payment.history.first().history_id
    )
    assert entry.chain_seq is not None  # sealed after the commit
    assert len(sql) <= MAX_STATEMENTS, "\n".join(sql)
    assert_audit_intact()
