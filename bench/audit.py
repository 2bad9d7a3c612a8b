# ruff: noqa: S608 — SQL over our own table names, for the load
"""Benchmark (not a test): the change log and verify_audit over millions of history rows.

    createdb -h 127.0.0.1 -U postgres bench_audit
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_audit \\
        .venv/bin/python bench/audit.py --rows 10000000

Fills `cases_historicalperson` with N history rows of `N / 10` people (ten versions each), their
`ChangeEntry` index rows with real keyed digests, and the sealed chain — by COPY, with the
secondary indexes dropped during the load and rebuilt after. Then times, through the real view
(test client, auditor of the federation): the change log's first page unfiltered, filtered by
user, filtered by record, a page deep in the log, and `verify_audit` over everything.

Measured 2026-11-23 (PostgreSQL 15, 2 cores shared with other jobs, load average 6-9):
fill 10,000,000 rows 1,319 s (HMAC in Python bound) + index rebuild 267 s; first page of the
change log (view + render, median of 5): unfiltered 87 ms, by user 82 ms, by record 56 ms,
by type + organisation 100 ms, 99 % deep 97 ms; timeline 31 ms; verify_audit 503 s wall
(292 s CPU, 114 MB RSS).
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relief.settings.dev")
os.environ.setdefault("SECRET_KEY", "bench-audit-key")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.roles import Role, ensure_role_groups  # noqa: E402
from audits.chain import CHAIN_CHANGES, _key, _mac, chain_link, column_set, entry_text  # noqa: E402
from audits.models import ChainHead, ChangeEntry  # noqa: E402
from audits.registry import tracked_models  # noqa: E402
from cases.models import Organisation  # noqa: E402

T0 = datetime.datetime(2016, 1, 1, tzinfo=datetime.UTC)


def say(*args):
    print(*args, flush=True)


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


def main():  # noqa: C901
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--skip-verify", action="store_true")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "run on PostgreSQL (DATABASE_URL)"
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    root, unions, users, auditor = setup_world()
    fill(args.rows, unions, users)

    client = Client()
    client.force_login(auditor)
    url = reverse("audits:changelog")
    with connection.cursor() as c:
        c.execute(f'SELECT count(*) FROM "{ChangeEntry._meta.db_table}"')
        say(f"change entries: {c.fetchone()[0]:,}")
    people = max(1, args.rows // 10)
    results = {}
    results["first page, unfiltered"], response = timed(client, url)
    results["first page, by user"], _ = timed(client, url, {"user": "bench7"})
    results["first page, by record (a person)"], _ = timed(
        client, url, {"model": "cases.person", "object_id": str(people // 2)}
    )
    results["first page, by record type + organisation"], _ = timed(
        client, url, {"model": "cases.person", "organisation": unions[5].pk}
    )
    deep = ChangeEntry.objects.order_by("at").values_list("at", "id")[args.rows // 100]
    from audits.selectors import encode_cursor

    results["a page 99% deep (keyset)"], _ = timed(client, url, {"after": encode_cursor(*deep)})
    results["timeline of a person"], _ = timed(
        client, reverse("audits:timeline", args=["cases.person", str(people // 3)])
    )
    for name, seconds in results.items():
        say(f"{name:45s} {seconds * 1000:8.1f} ms (median of 5)")
    if not args.skip_verify:
        started = time.monotonic()
        call_command("verify_audit")
        say(f"verify_audit over {args.rows:,} history rows: {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    main()
