"""Benchmark (not a test): what ordering by `Organisation.tree_order` instead of `path` costs.

    .venv/bin/python bench/organisation_order.py

Reads a database filled by `statistics_page.py` (`BENCH_DATABASE_URL`, default `bench_orgorder`:
`statistics_page.py --people 200000 --payments 400000 --runs 1` with the same variable fills it;
30 unions of 3 sub-unions). For the roster's query (`roster_groups`: the payments ordered by
union, then name) of the campaign with the most payments, and of every roster payment of that
year, prints PostgreSQL's plan's sort key and execution time, then the medians of 5 fetches of
all rows, alternating the old order (`organisation__path`) and the new (`organisation__tree_order`)
in the same minutes: wall and CPU. Then the statements and time of creating one union in the
middle of the order and one at its end (rolled back): the upkeep of `tree_order` is one SELECT
of the organisations and one UPDATE of the places that moved.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_orgorder")
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relief.settings.dev")
ORDERS = ("organisation__path", "organisation__tree_order")


def plan(qs) -> list[str]:
    from django.db import connection

    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE) " + sql, params)
        return [row[0].strip() for row in cursor.fetchall()]


def fetches(qs, runs: int = 5) -> dict[str, list[tuple[float, float, int]]]:
    from payments.ledger.selectors import ROSTER_FIELDS

    timed: dict[str, list[tuple[float, float, int]]] = {key: [] for key in ORDERS}
    for _ in range(runs):
        for key in ORDERS:
            rows = qs.order_by(key, "person__name", "id").values_list(*ROSTER_FIELDS)
            wall, cpu = time.perf_counter(), time.process_time()
            count = sum(1 for _row in rows.iterator(chunk_size=2000))
            timed[key].append((time.perf_counter() - wall, time.process_time() - cpu, count))
    return timed


def orders(sets: dict) -> None:
    from payments.ledger.selectors import ROSTER_FIELDS

    for label, qs in sets.items():
        print(f"\n{label}")
        for key in ORDERS:
            lines = plan(qs.order_by(key, "person__name", "id").values(*ROSTER_FIELDS))
            shown = [line for line in lines if line.startswith(("Sort Key", "Execution"))]
            print(f"  plan by {key}: {'; '.join(shown)}")
        for key, runs in fetches(qs).items():
            wall = statistics.median(r[0] for r in runs) * 1000
            cpu = statistics.median(r[1] for r in runs) * 1000
            print(f"  {key}: {runs[0][2]} rows, wall {wall:.0f} ms, CPU {cpu:.0f} ms (median of 5)")


def saves() -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from cases.models import Organisation
    from cases.services import save_organisation

    root = Organisation.objects.get(code="FED")
    total = Organisation.objects.count() + 1
    for code in ("U15A", "U99"):
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            wall, cpu = time.perf_counter(), time.process_time()
            made = save_organisation(Organisation(code=code, name=f"新工会{code}", parent=root))
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            transaction.set_rollback(True)
        print(
            f"creating {code}: place {made.tree_order} of {total}, "
            f"{len(captured.captured_queries)} statements (savepoint included), "
            f"wall {wall * 1000:.1f} ms, CPU {cpu * 1000:.1f} ms"
        )


def main() -> None:
    import django

    django.setup()
    from django.db.models import Count

    from accounts.models import User
    from cases.models import Organisation
    from payments.ledger.selectors import campaign_roster_payments, roster_q
    from payments.models import Campaign, Payment
    from payments.selectors import payments_visible_to

    leader = User.objects.get(username="bench-leader")
    biggest = Payment.objects.values("campaign").annotate(n=Count("id")).order_by("-n")[0]
    campaign = Campaign.objects.get(pk=biggest["campaign"])
    unions = Organisation.objects.filter(parent__code="FED").values_list("code", flat=True)
    print(f"{URL.rsplit('/', 1)[-1]}: unions in order {', '.join(unions)}")
    orders(
        {
            f"roster of {campaign.name}": campaign_roster_payments(leader, campaign),
            f"every roster payment of {campaign.year}": payments_visible_to(leader).filter(
                roster_q(), year=campaign.year
            ),
        }
    )
    saves()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
