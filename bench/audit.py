# ruff: noqa: S608 — SQL over our own table names, for the load
"""Benchmark (not a test): the audit trail over a million (or ten million) history rows.

    DATABASE_URL=sqlite:////tmp/bench_audit.sqlite3 .venv/bin/python bench/audit.py --rows 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_audit \\
        .venv/bin/python bench/audit.py --rows 10000000

Fills the person history with N rows of N / 10 people, their `ChangeEntry` rows with real keyed
digests, the sealed chain and the live people (`bench/audit_fill.py`; skipped when the database
already holds them). Then prints, each with wall and CPU seconds and the load average:
- `verify_audit --full`: history rows verified per second (target >= 100,000 on SQLite), in
  one process and then in two (the second half of the chain in a forked process), CPU time
  counting both;
- `verify_audit` (incremental) after one new change (target < 1 s);
- one person saved through the service with the chain (history row, entry, and the request for
  a seal after commit: the seal itself is the worker's, timed apart) against history alone (the
  audit receivers disconnected): ms and queries per save (target <= 2x);
- with `--changelog`, the change log's pages through the real view (as the 2026-11-23 run did).
"""

import argparse
import io
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("AUDIT_CHAIN_KEY", "bench-audit-chain-key")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relief.settings.dev")
os.environ.setdefault("SECRET_KEY", "bench-audit-key")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.roles import Role, ensure_role_groups  # noqa: E402
from audits.models import ChangeEntry  # noqa: E402
from bench.audit_fill import fill, say  # noqa: E402
from cases.models import Organisation, Person  # noqa: E402
from core.history import attribute_change  # noqa: E402


def setup_world():
    from django.contrib.auth.models import Group

    from accounts.models import User
    from cases.services import save_organisation

    ensure_role_groups()
    root = Organisation.objects.filter(parent=None).first()
    if root is None:
        root = save_organisation(Organisation(code="FED", name="市教科文卫体工会"))
    unions = list(Organisation.objects.exclude(pk=root.pk).order_by("pk"))
    for n in range(len(unions), 100):
        unions.append(
            save_organisation(Organisation(code=f"U{n:03d}", name=f"基层工会{n}", parent=root))
        )
    users = list(User.objects.filter(username__startswith="bench").order_by("pk"))
    for n in range(len(users), 50):
        users.append(User.objects.create_user(f"bench{n}", password="x", organisation=root))
    auditor, _ = User.objects.get_or_create(
        username="bench_auditor", defaults={"organisation": root}
    )
    auditor.groups.add(Group.objects.get(name=Role.AUDITOR))
    return root, unions, users, auditor


def timed(client, url, params=None, repeat=5):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, params or {})
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return statistics.median(times), response


def cpu_seconds() -> float:
    """CPU time of this process and of its reaped children (the forked half of a full
    verification runs in one)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class Clock:
    """Wall and CPU seconds of a block (children included), and the load average at its end."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), cpu_seconds()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = cpu_seconds() - self.cpu
        self.load = os.getloadavg()[0]

    def __str__(self) -> str:
        return f"{self.wall:.2f} s wall, {self.cpu:.2f} s CPU, load average {self.load:.1f}"


def history_rows() -> int:
    from audits.registry import tracked_models

    return sum(t.history_model._default_manager.count() for t in tracked_models().values())


def measure_verification() -> None:
    """The full verification in one process, then as configured (a long chain in two halves on
    two cores where the database is a file: the wall time shrinks, the CPU time does not)."""
    rows = history_rows()
    for processes in (1, settings.AUDIT_VERIFY_PROCESSES):
        settings.AUDIT_VERIFY_PROCESSES = processes
        with Clock() as full:
            call_command("verify_audit", "--full", stdout=io.StringIO())
        say(
            f"verify_audit --full over {rows:,} history rows, {processes} process(es): {full}; "
            f"{rows / full.wall:,.0f} rows/s wall, {rows / full.cpu:,.0f} rows/s CPU"
        )
    with Clock() as nothing_new:
        call_command("verify_audit", stdout=io.StringIO())
    say(f"verify_audit (incremental), nothing new: {nothing_new}")
    person = Person.objects.order_by("pk")[7]
    attribute_change(person, by=None, reason="bench: one change")
    person.position = f"岗位{time.time_ns() % 1000}"
    person.save()
    out = io.StringIO()
    with Clock() as one_new:
        call_command("verify_audit", stdout=out)
    assert "incremental" in out.getvalue(), out.getvalue()
    say(f"verify_audit (incremental) after one new change: {one_new}")


def _saves(people, count: int) -> tuple[float, float, float]:
    """ms wall, ms CPU and queries per save, each save its own transaction (sealing included)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries, Clock() as clock:
        for n in range(count):
            person = people[n % len(people)]
            with transaction.atomic():
                attribute_change(person, by=None, reason="bench save")
                person.household_size = 1 + (person.household_size % 5)
                person.save()
    return clock.wall * 1000 / count, clock.cpu * 1000 / count, len(queries) / count


def measure_save_cost(count: int) -> None:
    """One save with the chain against history alone (the audit receivers disconnected); the
    history-alone rows are indexed afterwards so the trail stays intact."""
    from simple_history.signals import post_create_historical_record

    from audits.chain import seal_pending
    from audits.services import index_unindexed_history
    from audits.signals import index_history_row

    people = list(Person.objects.order_by("pk")[:50])
    _saves(people, 20)  # warm up: caches, prepared column sets
    seal_pending()
    chain = _saves(people, count)
    with Clock() as worker:  # what the db_worker then does for those saves, in one pass
        sealed = seal_pending()
    say(
        f"the worker's seal of those {sealed} entries: {worker}; "
        f"{worker.cpu * 1000 / max(sealed, 1):.3f} ms CPU per entry"
    )
    post_create_historical_record.disconnect(index_history_row)
    try:
        alone = _saves(people, count)
    finally:
        post_create_historical_record.connect(index_history_row)
    index_unindexed_history()
    say(
        f"save with the chain: {chain[0]:.2f} ms wall, {chain[1]:.2f} ms CPU, "
        f"{chain[2]:.1f} queries; history alone: {alone[0]:.2f} ms wall, {alone[1]:.2f} ms CPU, "
        f"{alone[2]:.1f} queries; ratio {chain[0] / alone[0]:.2f}x wall, "
        f"{chain[1] / alone[1]:.2f}x CPU (load average {os.getloadavg()[0]:.1f})"
    )


def measure_changelog(rows: int, unions, auditor) -> None:
    client = Client()
    client.force_login(auditor)
    url = reverse("audits:changelog")
    say(f"change entries: {ChangeEntry.objects.count():,}")
    people = max(1, rows // 10)
    results = {}
    results["first page, unfiltered"], response = timed(client, url)
    results["first page, by user"], _ = timed(client, url, {"user": "bench7"})
    results["first page, by record (a person)"], _ = timed(
        client, url, {"model": "cases.person", "object_id": str(people // 2)}
    )
    results["first page, by record type + organisation"], _ = timed(
        client, url, {"model": "cases.person", "organisation": unions[5].pk}
    )
    deep = ChangeEntry.objects.order_by("at").values_list("at", "id")[rows // 100]
    from audits.selectors import encode_cursor

    results["a page 99% deep (keyset)"], _ = timed(client, url, {"after": encode_cursor(*deep)})
    results["timeline of a person"], _ = timed(
        client, reverse("audits:timeline", args=["cases.person", str(people // 3)])
    )
    for name, seconds in results.items():
        say(f"{name:45s} {seconds * 1000:8.1f} ms (median of 5)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--skip-verify", action="store_true")
    parser.add_argument("--changelog", action="store_true")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    say(f"{connection.vendor}, {args.rows:,} rows, load average {os.getloadavg()[0]:.1f}")
    root, unions, users, auditor = setup_world()
    with Clock() as filling:
        fill(args.rows, unions, users)
    say(f"fill: {filling}")
    if not args.skip_verify:
        measure_verification()
    measure_save_cost(args.saves)
    if args.changelog:
        measure_changelog(args.rows, unions, auditor)


if __name__ == "__main__":
    main()
