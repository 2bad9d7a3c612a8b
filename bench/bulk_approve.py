"""Benchmark (not a test): one bulk approval of 500 submitted payments, against the same 500
approved one by one in the same run (what the queue's bulk action did before `approve_payments`).

    createdb -h 127.0.0.1 -U postgres bench_payments
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_payments
    .venv/bin/python manage.py migrate && .venv/bin/python bench/bulk_approve.py

Set-up as in `approve.py` (bulk-written, not timed), the people spread over 20 unions. Timed:
the call with its commit and its after-commit audit sealing; also printed, the process's own CPU
time and the time spent waiting on statements, which say more than the wall time on a machine
shared with other work. Afterwards the new change entries
are checked: one per approval, every one sealed into the chain.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from approve import set_up  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from audits.chain.sealing import seal_pending  # noqa: E402
from audits.models import ChangeEntry  # noqa: E402
from payments.models import Payment  # noqa: E402
from payments.services import approve_payment, approve_payments  # noqa: E402

COUNT = int(os.environ.get("BENCH_COUNT", "500"))
UNIONS = int(os.environ.get("BENCH_UNIONS", "20"))


def approved(campaign) -> int:
    return Payment.objects.filter(campaign=campaign, status="approved").count()


def one_by_one() -> float:
    campaign, finance, payments = set_up(COUNT, unions=UNIONS)
    started = time.perf_counter()
    for payment in payments:
        approve_payment(payment, by=finance)
    elapsed = time.perf_counter() - started
    assert approved(campaign) == COUNT
    return COUNT / elapsed


def in_bulk() -> tuple[float, int]:
    campaign, finance, payments = set_up(COUNT, unions=UNIONS)
    last_entry = ChangeEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with CaptureQueriesContext(connection) as context:
        started, cpu = time.perf_counter(), time.process_time()
        outcomes = approve_payments(payments, by=finance)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert all(o.ok for o in outcomes) and approved(campaign) == COUNT
    entries = ChangeEntry.objects.filter(id__gt=last_entry, model="payments.payment")
    assert entries.count() == COUNT, entries.count()
    database = sum(float(q["time"]) for q in context.captured_queries)
    # Sealing is the db_worker's job since the audit rework: time it apart, as the worker runs it.
    started = time.perf_counter()
    seal_pending()
    sealing = time.perf_counter() - started
    assert not entries.filter(chain_seq__isnull=True).exists(), "entries left unsealed"
    print(
        f"  approve_payments: {elapsed:.2f} s wall, of which {cpu:.2f} s CPU in this process and "
        f"{database:.2f} s waiting on its statements; the worker's seal afterwards: "
        f"{sealing:.2f} s wall ({COUNT / (elapsed + sealing):,.0f} payments/s with it)"
    )
    return COUNT / elapsed, len(context.captured_queries)


def main() -> None:
    load = os.getloadavg()[0]
    bulk_rate, statements = in_bulk()
    single_rate = one_by_one()
    print(
        f"{connection.vendor}: {COUNT} payments over {UNIONS} unions, load average {load:.1f}\n"
        f"  approve_payments (one call): {bulk_rate:,.0f} payments/s, {statements} statements "
        f"(commit included; the seal is the worker's, timed above)\n"
        f"  approve_payment one by one:  {single_rate:,.0f} payments/s\n"
        f"  ratio: {bulk_rate / single_rate:.1f}x"
    )


if __name__ == "__main__":
    main()
