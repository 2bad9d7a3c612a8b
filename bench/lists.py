# ruff: noqa: S608 — SQL over our own table and column names, for the load
"""Benchmark (not a test): the case list, the approval queue and a campaign's payment list at a
city's scale.

    .venv/bin/python bench/lists.py [--people 1000000] [--payments 1000000] [--keep]

Recreates the PostgreSQL database `bench_lists` (`BENCH_DATABASE_URL` to change it) and fills it
with `statistics_page.py`'s fill (30 unions, N people and one case each, 40 campaigns, M
payments: 88 % paid, 3 % reversed, 5 % approved, 4 % submitted); the submitted ones are then
given a submitter and a submission time, as the queue orders by it. Then times, through the real
views (test client: scope, filters, template), for a federation finance officer and for the
officer of the union holding an eighth of the people: page 1 and a page deep in the list
(reached by following "next" links, then by its cursor) of the case list, the approval queue
(finance) and the payment list of the campaign with the most payments. Medians of 5 after one
warm-up: wall and CPU milliseconds of the whole request, and its queries. Target: every request
under 100 ms on a quiet machine, with the same number of queries on page 1 and deep.
"""

import argparse
import html
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_lists")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relief.settings.dev")

import statistics_page  # noqa: E402 (reads BENCH_DATABASE_URL, sets DATABASE_URL)

TARGET_MS = 100.0
DEPTH = 20  # pages followed before timing the deep page
NEXT_LINK = re.compile(r'href="([^"]+)" rel="next"')


def prepare_queue() -> None:
    """Submitted payments carry a submitter and a time (the queue's order)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE payments_payment SET submitted_at = created_at, "
            "submitted_by_id = created_by_id WHERE status = 'submitted'"
        )
        cursor.execute("VACUUM ANALYZE payments_payment")


def users():
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import Role

    leader = User.objects.get(username="bench-leader")
    finance, _created = User.objects.get_or_create(
        username="bench-finance", defaults={"organisation_id": leader.organisation_id}
    )
    finance.groups.add(Group.objects.get(name=Role.FINANCE))
    officer = User.objects.get(username="bench-officer")
    return finance, officer


def measure(client, url: str, runs: int = 5) -> tuple[float, float, int]:
    """Median wall and CPU ms of the request, and its number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    walls, cpus = [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as context:
            client.get(url)
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus), len(context.captured_queries)


def deep_url(client, url: str) -> str:
    """The URL of the page DEPTH pages in, by following the "next" links of the pages."""
    current = url
    for _ in range(DEPTH):
        found = NEXT_LINK.search(client.get(current).content.decode())
        if found is None:
            break
        current = url.split("?")[0] + html.unescape(found.group(1))
    return current


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--payments", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse a filled database")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not args.keep:
        statistics_page.recreate_database()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from payments.models import Payment

    call_command("migrate", verbosity=0)
    if not args.keep:
        started = time.perf_counter()
        statistics_page.fill(args.people, args.payments)
        prepare_queue()
        print(f"filled in {time.perf_counter() - started:.0f} s", flush=True)
    finance, officer = users()
    campaign_id = (
        Payment.objects.values("campaign_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("campaign_id", flat=True)
        .first()
    )
    lists = [
        ("case list", finance, reverse("cases:case_list")),
        ("case list", officer, reverse("cases:case_list")),
        ("approval queue", finance, reverse("payments:approval_queue")),
        ("campaign payments", finance, reverse("payments:campaign_detail", args=[campaign_id])),
    ]
    load = os.getloadavg()
    print(f"\nload average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; medians of {args.runs}\n")
    print("| list | user | page | wall ms | CPU ms | queries |")
    print("|---|---|---|---:|---:|---:|")
    worst, counts_equal = 0.0, True
    for label, user, url in lists:
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        counts = []
        for page_label, page_url in (("1", url), (f"{DEPTH + 1}", deep_url(client, url))):
            wall, cpu, queries = measure(client, page_url, args.runs)
            worst = max(worst, wall)
            counts.append(queries)
            print(
                f"| {label} | {user.username} | {page_label} | {wall:,.1f} | {cpu:,.1f} "
                f"| {queries} |"
            )
        counts_equal &= counts[0] == counts[1]
    load = os.getloadavg()
    print(
        f"\nslowest request {worst:,.1f} ms vs target {TARGET_MS:.0f} ms: "
        f"{'met' if worst < TARGET_MS else 'NOT met'}; queries equal on page 1 and deep: "
        f"{'yes' if counts_equal else 'NO'} (load average {load[0]:.1f})"
    )


if __name__ == "__main__":
    main()
