"""Benchmark (not a test): the 台账 and the 发放花名册 built for 10,000 payments.

    .venv/bin/python bench/ledger.py [--payments 10000] [--keep]

Recreates the PostgreSQL database `bench_ledger` (`BENCH_DATABASE_URL` to change it), migrates
it, and fills it through the ORM's bulk_create (no services: the files only read) with a
federation of 20 unions, one city-wide campaign and N paid payments spread over the unions, one
in twenty reversed. Then builds, as the federation's finance user, the federation's ledger for
the year (XLSX), and the campaign's roster as XLSX and PDF, counting the queries of each and
timing it; beside each, the baseline in the same database: the ledger of one union (about 500
lines), the roster of a campaign of 100 payments. The query count must not move; the time should
grow about linearly.
"""

import argparse
import datetime
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_ledger")
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relief.settings.dev")
UNIONS = 20
YEAR = 2026


def recreate_database() -> None:
    import psycopg

    name = URL.rsplit("/", 1)[1]
    with psycopg.connect(URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _campaign(root, user, name: str, budget: Decimal):
    from payments.models import Campaign

    return Campaign.objects.create(
        name=name,
        year=YEAR,
        kind="warmth",
        organisation=root,
        starts_on=datetime.date(YEAR, 1, 1),
        ends_on=datetime.date(YEAR, 12, 31),
        budget=budget,
        funding_source="federation",
        annual_cap=Decimal("5000.00"),
        second_approval_threshold=Decimal("2000.00"),
        status="open",
        created_by=user,
    )


def _payments(campaign, unions, users, count: int, offset: int) -> None:
    from django.utils import timezone

    from cases.models import Case, Person
    from payments.models import Payment

    officer, finance, leader = users
    now = timezone.now()
    people = Person.objects.bulk_create(
        [
            Person(
                name=f"职工{offset + i}",
                gender="M" if i % 2 else "F",
                id_number=f"110101198001{offset + i:06d}",
                id_tail=f"{(offset + i) % 10000:04d}",
                birth_date=datetime.date(1980, 1, 1),
                mobile=f"13{offset + i:09d}",
                organisation=unions[i % len(unions)],
            )
            for i in range(count)
        ],
        batch_size=2000,
    )
    cases = Case.objects.bulk_create(
        [
            Case(
                person=p,
                category="hardship",
                hardship_level="deep" if i % 3 else "relative",
                organisation=p.organisation,
                opened_by=officer,
            )
            for i, p in enumerate(people)
        ],
        batch_size=2000,
    )
    Payment.objects.bulk_create(
        [
            Payment(
                reference=f"B{offset + i:09d}",
                case=c,
                person=c.person,
                organisation=c.organisation,
                campaign=campaign,
                amount=Decimal("800.00") + Decimal(i % 100) / 100,
                method="bank",
                purpose="慰问金",
                year=YEAR,
                status="reversed" if i % 20 == 0 else "paid",
                created_by=officer,
                submitted_by=officer,
                submitted_at=now,
                approved_by=finance,
                approved_at=now,
                paid_at=now,
                paid_by=finance,
                reversed_by=leader if i % 20 == 0 else None,
                reversed_at=now if i % 20 == 0 else None,
                reversal_reason="重复发放" if i % 20 == 0 else "",
            )
            for i, c in enumerate(cases)
        ],
        batch_size=2000,
    )


def fill(payments: int) -> None:
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import Role, ensure_role_groups
    from cases.models import Organisation
    from cases.services import save_organisation

    ensure_role_groups()
    root = save_organisation(Organisation(code="FED", name="市教科文卫体工会"))
    unions = [
        save_organisation(
            Organisation(code=f"U{u}", name=f"基层工会{u}", parent=root, sector="education")
        )
        for u in range(UNIONS)
    ]
    users = []
    for name, role, org in (
        ("bench-officer", Role.CASE_OFFICER, unions[0]),
        ("bench-finance", Role.FINANCE, root),
        ("bench-leader", Role.LEADER, root),
    ):
        user = User.objects.create(username=name, organisation=org)
        user.groups.add(Group.objects.get(name=role))
        users.append(user)
    started = time.perf_counter()
    big = _campaign(root, users[1], f"{YEAR}年春节送温暖", Decimal("100000000.00"))
    _payments(big, unions, users, payments, 0)
    small = _campaign(root, users[1], f"{YEAR}年六一慰问", Decimal("1000000.00"))
    _payments(small, unions, users, 100, payments)
    print(f"filled {payments + 100:,} payments in {time.perf_counter() - started:.0f} s")


def measure(label: str, build) -> tuple[int, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        file = build()
        elapsed = time.perf_counter() - started
    return len(queries), elapsed, file.rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="reuse a filled database")
    args = parser.parse_args()
    if not args.keep:
        recreate_database()

    import django

    django.setup()
    from django.core.management import call_command

    if not args.keep:
        call_command("migrate", verbosity=0)
        fill(args.payments)

    from accounts.models import User
    from cases.models import Organisation
    from payments.ledger.documents import RosterSubject, ledger_file, roster_file
    from payments.models import Campaign

    finance = User.objects.get(username="bench-finance")
    root = Organisation.objects.get(code="FED")
    big = Campaign.objects.get(name=f"{YEAR}年春节送温暖")
    small = Campaign.objects.get(name=f"{YEAR}年六一慰问")
    union = Organisation.objects.get(code="U1")
    cases = [
        (
            "台账 XLSX, federation, year",
            lambda: ledger_file(finance, root, YEAR),
            lambda: ledger_file(finance, union, YEAR),
        ),
        (
            "花名册 XLSX, campaign",
            lambda: roster_file(finance, RosterSubject(campaign=big), "xlsx"),
            lambda: roster_file(finance, RosterSubject(campaign=small), "xlsx"),
        ),
        (
            "花名册 PDF, campaign",
            lambda: roster_file(finance, RosterSubject(campaign=big), "pdf"),
            lambda: roster_file(finance, RosterSubject(campaign=small), "pdf"),
        ),
    ]
    print(f"\nload average {os.getloadavg()[0]:.1f}\n")
    print("| file | rows | queries | seconds | baseline: rows / queries / s |")
    print("|---|---:|---:|---:|---|")
    for label, build, baseline in cases:
        queries, seconds, rows = measure(label, build)
        base = ""
        if baseline is not None:
            b_queries, b_seconds, b_rows = measure(label, baseline)
            base = f"{b_rows} / {b_queries} / {b_seconds:.2f}"
        print(f"| {label} | {rows:,} | {queries} | {seconds:.2f} | {base} |")


if __name__ == "__main__":
    main()
