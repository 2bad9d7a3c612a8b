"""Benchmark (not a test): the pages `bench/load.py` drives, one at a time, in one process —
per-page time and queries, to find what a page wastes before measuring it under load.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load_20k \\
        .venv/bin/python bench/pages.py [--repeat 20] [--profile PATH]

Uses the database `bench/load.py` seeded (`seed_demo --people N`) and the production settings
(DEBUG off, persistent connection), through Django's test client signed in as officer, finance
and auditor with real sessions. Prints, per page and role: median and p90 ms of the whole
request (middleware, view, template), the median CPU ms of this process (the machine's load
stretches wall time, much less CPU time), the queries it ran, the session writes, and the Python
calls of one request (under cProfile: the same on a busy or a quiet machine); with
`--profile PATH` the cProfile top functions of one page.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(os.environ.get("BENCH_ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))
os.environ.setdefault(
    "DATABASE_URL",
    os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_load_20k"),
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relief.settings.production")
os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)
os.environ.setdefault("AUDIT_CHAIN_KEY", "dev-only-insecure-key-change-me")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("LOG_LEVEL", "ERROR")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cases.selectors import cases_visible_to  # noqa: E402

ROLES = ("officer", "finance", "auditor")


def pages(role: str, case_id: int) -> list[str]:
    common = [f"/cases/{case_id}/", "/people/", "/people/?" + urlencode({"q": "王"})]
    extra = {"finance": "/payments/approvals/", "auditor": "/audit/"}.get(role, "/cases/")
    return [*common, extra]


def measure(client: Client, path: str, repeat: int) -> tuple[float, float, float, int, int]:
    times, cpu, queries, writes = [], [], 0, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(path, secure=True)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(captured)
        writes = sum(
            1
            for q in captured.captured_queries
            if q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"]
        )
    times.sort()
    return (
        statistics.median(times),
        times[int(len(times) * 0.9) - 1],
        statistics.median(cpu),
        queries,
        writes,
    )


def python_calls(client: Client, path: str) -> int:
    """Python function calls of one request: the page's CPU work, whatever the machine's load."""
    profile = cProfile.Profile()
    profile.enable()
    client.get(path, secure=True)
    profile.disable()
    return pstats.Stats(profile).total_calls  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--profile", help="a page path to profile, as the role in --role")
    parser.add_argument("--role", default="officer")
    args = parser.parse_args()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=ROLES)}
    print(f"load average {os.getloadavg()[0]:.1f}; repeat {args.repeat}")
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        clients[role].force_login(users[role])
    if args.profile:
        client = clients[args.role]
        client.get(args.profile, secure=True)
        profile = cProfile.Profile(time.process_time)  # CPU, not time spent waiting
        profile.enable()
        for _ in range(args.repeat):
            client.get(args.profile, secure=True)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
        return
    print(
        f"{'role':8} {'page':34} {'median':>8} {'p90':>8} {'cpu':>6} {'queries':>8}"
        f" {'session writes':>15} {'calls':>8}"
    )
    for role in ROLES:
        case_id = cases_visible_to(users[role]).values_list("pk", flat=True).first()
        for path in pages(role, case_id):
            clients[role].get(path, secure=True)  # warm: templates, caches
            median, p90, cpu, queries, writes = measure(clients[role], path, args.repeat)
            calls = python_calls(clients[role], path)
            shown = path if len(path) < 34 else path[:31] + "..."
            print(
                f"{role:8} {shown:34} {median:8.1f} {p90:8.1f} {cpu:6.1f} {queries:8d}"
                f" {writes:15d} {calls:8d}"
            )


if __name__ == "__main__":
    main()
