# ruff: noqa: S608 — SQL over our own table and column names, for the load
"""Benchmark (not a test): the statistics page and the year-end return at a city's scale.

    .venv/bin/python bench/statistics_page.py [--people 1000000] [--payments 2000000] [--keep]
                                               [--rebuild] [--runs 5]

Recreates the PostgreSQL database `bench_stats` (`BENCH_DATABASE_URL` to change it), migrates
it, and fills it by SQL (`generate_series`): a federation of 30 unions of four organisations
each (five sectors), N people (one union holding an eighth of them: the officer's scope), one
case per person (30 % hardship files over three tiers, each with its spell in the register,
the rest spread over the other categories), 40 campaigns (ten years × four kinds, two funding
sources) and M payments, two per person in different campaigns: 88 % paid, 3 % paid then
reversed a month later, 5 % approved, 4 % submitted, dated through their campaign's year.

After the fill, `rebuild_statistics` fills the tallies the page reads (timed apart: it is the
one-off cost of an upgrade). `--keep` reuses the filled database (migrating it and, with
`--rebuild`, rebuilding the tallies).

Then times, through the real views (test client: scope, filters, aggregates, template), for the
federation's leader and for that union's officer: the page for one year, the page filtered by
a union and a campaign kind, two figures' lists (the net payments, the households in file: the
files' spells), and the return as XLSX and as PDF (stored once printed; rendered afresh with the
stored PDFs deleted; and after its statistics page, once the worker ran the task the page
enqueued). Medians of 5 after one warm-up: wall and this
process's CPU milliseconds, the number of queries of one request, and the figure against the
300 ms target, with the load average beside it.
"""

import argparse
import functools
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_stats")
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relief.settings.dev")
UNIONS = 30
SUBUNITS = 3
SECTORS = ("education", "science", "culture", "health", "sports")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
FIRST_YEAR = 2016
YEARS = 10
KINDS = ("warmth", "frontline", "occasion", "condolence")
TARGET_MS = 300


def recreate_database() -> None:
    import psycopg

    name = URL.rsplit("/", 1)[1]
    with psycopg.connect(URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _literal(value) -> str:
    if hasattr(value, "obj") and hasattr(value, "dumps"):  # psycopg's Jsonb (a JSONField default)
        return "'" + json.dumps(value.obj).replace("'", "''") + "'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "NULL"
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def insert_select(model, set_by_sql: dict, source: str) -> None:
    """INSERT INTO model's table SELECT …: the given SQL per column, defaults for the rest."""
    from django.db import connection

    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in set_by_sql:
            if set_by_sql[field.column] is not None:
                columns.append(field.column)
                values.append(set_by_sql[field.column])
        elif not field.null:
            columns.append(field.column)
            values.append(_literal(field.get_db_prep_save(field.get_default(), connection)))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
            f"SELECT {', '.join(values)} FROM {source}"
        )


def fill(people: int, payments: int):
    from django.contrib.auth.models import Group
    from django.db import connection

    from accounts.models import User
    from accounts.roles import Role, ensure_role_groups
    from cases.models import Case, FileSpell, Organisation, Person
    from cases.services import save_organisation
    from payments.models import Campaign, Payment

    ensure_role_groups()
    root = save_organisation(Organisation(code="FED", name="市教科文卫体工会"))
    leaves = []
    for u in range(UNIONS):
        sector = SECTORS[u % len(SECTORS)]
        union = save_organisation(
            Organisation(code=f"U{u}", name=f"基层工会{u}", parent=root, sector=sector)
        )
        leaves.append([union.pk])
        for s in range(SUBUNITS):
            sub = save_organisation(
                Organisation(
                    code=f"U{u}S{s}", name=f"基层工会{u}分会{s}", parent=union, sector=sector
                )
            )
            leaves[-1].append(sub.pk)
    leader = User.objects.create(username="bench-leader", organisation=root)
    leader.groups.add(Group.objects.get(name=Role.LEADER))
    officer = User.objects.create(username="bench-officer", organisation_id=leaves[0][0])
    officer.groups.add(Group.objects.get(name=Role.CASE_OFFICER))
    campaigns = []
    for y in range(YEARS):
        for k, kind in enumerate(KINDS):
            campaigns.append(
                Campaign.objects.create(
                    name=f"{FIRST_YEAR + y}年{kind}",
                    year=FIRST_YEAR + y,
                    kind=kind,
                    organisation=root,
                    starts_on=f"{FIRST_YEAR + y}-01-01",
                    ends_on=f"{FIRST_YEAR + y}-12-31",
                    budget=100_000_000,
                    funding_source="federation" if k % 2 == 0 else "own",
                    annual_cap=10_000,
                    second_approval_threshold=5_000,
                    status="open",
                    created_by=leader,
                ).pk
            )
    own = list(leaves[0])
    others = [pk for group in leaves[1:] for pk in group]

    def organisation_of(i: str) -> str:
        """The n-th person's organisation: an eighth in union 0's subtree, the rest spread."""
        return (
            f"CASE WHEN {i} % 8 = 0 THEN (ARRAY{own})[({i} / 8) % {len(own)} + 1] "
            f"ELSE (ARRAY{others})[{i} % {len(others)} + 1] END"
        )

    started = time.perf_counter()
    insert_select(
        Person,
        {
            "id": None,
            "name": f"substr('{SURNAMES}', (i % {len(SURNAMES)}) + 1, 1) || '某' || i",
            "gender": "CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END",
            "id_number": "'11010119' || lpad((i % 1000000000)::text, 9, '0') || 'X'",
            "id_tail": "right(lpad((i % 1000000000)::text, 9, '0'), 3) || 'X'",
            "birth_date": "date '1960-01-01' + (i % 15000)",
            "mobile": "'13' || lpad(i::text, 9, '0')",
            "organisation_id": organisation_of("i"),
            "is_frontline_medical": "i % 17 = 0",
            "is_hubei_team": "i % 101 = 0",
            "bank_name": "'中国工商银行'",
            "bank_account": "'622202' || lpad(i::text, 13, '0')",
            "created_at": "now()",
            "updated_at": "now()",
        },
        f"generate_series(1, {int(people)}) AS i",
    )
    print(f"people: {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    hardship = "p.id % 10 < 3"
    insert_select(
        Case,
        {
            "id": None,
            "person_id": "p.id",
            "organisation_id": "p.organisation_id",
            "category": (
                f"CASE WHEN {hardship} THEN 'hardship' WHEN p.id % 10 < 6 THEN 'occasion' "
                "WHEN p.id % 10 < 8 THEN 'frontline' ELSE 'condolence' END"
            ),
            "hardship_level": (
                f"CASE WHEN {hardship} THEN (ARRAY['deep','relative','accident'])[p.id % 3 + 1] "
                "ELSE '' END"
            ),
            "status": "CASE WHEN p.id % 50 = 0 THEN 'closed' ELSE 'verified' END",
            "closing_reason": "CASE WHEN p.id % 50 = 0 THEN 'resolved' ELSE '' END",
            "closed_at": (
                f"CASE WHEN p.id % 50 = 0 THEN timestamptz '{FIRST_YEAR}-06-01' "
                f"+ (p.id % {YEARS * 365}) * interval '1 day' END"
            ),
            "file_stage": (
                f"CASE WHEN {hardship} AND p.id % 50 = 0 THEN 'exited' "
                f"WHEN {hardship} THEN 'in_file' ELSE '' END"
            ),
            "file_approved_on": (
                f"CASE WHEN {hardship} THEN date '{FIRST_YEAR}-01-01' "
                f"+ (p.id % {YEARS * 365})::int END"
            ),
            "reviewed_for_year": f"CASE WHEN {hardship} THEN {FIRST_YEAR + YEARS - 1} END",
            "opened_by_id": str(leader.pk),
            "opened_at": "now()",
            "causes": "'[]'::jsonb",
        },
        "cases_person AS p",
    )
    # Each file's spell (`FileSpell`) from its fields, as the data migration writes it.
    insert_select(
        FileSpell,
        {
            "id": None,
            "case_id": "c.id",
            "approved_on": "c.file_approved_on",
            "ended_at": "c.closed_at",
            "ended_as": "CASE WHEN c.file_stage = 'exited' THEN 'exited' ELSE '' END",
        },
        "cases_case AS c WHERE c.category = 'hardship'",
    )
    print(f"cases and their spells: {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(id) FROM cases_case")
        first_case = cursor.fetchone()[0]
        cursor.execute("SELECT MIN(id) FROM cases_person")
        first_person = cursor.fetchone()[0]
    # Payment i: person p = i mod N + 1 (two payments each), campaign by p and the round k.
    p = f"((i - 1) % {people} + 1)"
    k = f"((i - 1) / {people})"
    campaign = f"(ARRAY{campaigns})[({p} * 7 + {k} * 13) % {len(campaigns)} + 1]"
    year = f"({FIRST_YEAR} + (({p} * 7 + {k} * 13) % {len(campaigns)}) / {len(KINDS)})"
    paid_at = f"make_timestamptz({year}, 1, 1, 9, 0, 0) + ({p} % 360) * interval '1 day'"
    status = (
        "CASE WHEN i % 100 < 88 THEN 'paid' WHEN i % 100 < 91 THEN 'reversed' "
        "WHEN i % 100 < 96 THEN 'approved' ELSE 'submitted' END"
    )
    insert_select(
        Payment,
        {
            "id": None,
            "reference": "'P' || lpad(i::text, 10, '0')",
            "case_id": f"{first_case} + {p} - 1",
            "person_id": f"{first_person} + {p} - 1",
            "organisation_id": organisation_of(p),
            "campaign_id": campaign,
            "amount": "(200 + (i % 19) * 100)::numeric(12,2)",
            "method": "'bank'",
            "purpose": "'慰问'",
            "year": year,
            "status": status,
            "created_by_id": str(leader.pk),
            "created_at": paid_at,
            "paid_at": f"CASE WHEN i % 100 < 91 THEN {paid_at} END",
            "reversed_at": (
                f"CASE WHEN i % 100 BETWEEN 88 AND 90 THEN {paid_at} + interval '30 days' END"
            ),
            "reversal_reason": "CASE WHEN i % 100 BETWEEN 88 AND 90 THEN '退回' ELSE '' END",
        },
        f"generate_series(1, {int(payments)}) AS i",
    )
    print(f"payments: {time.perf_counter() - started:.0f} s", flush=True)
    connection.ensure_connection()
    with connection.cursor() as cursor:
        tables = ("cases_person", "cases_case", "cases_filespell", "payments_payment")
        for table in (*tables, "cases_organisation"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    rebuild()
    return leader, officer


def rebuild() -> None:
    """The tallies from the payments (`manage.py rebuild_statistics`), timed."""
    from django.core.management import call_command
    from django.db import connection

    started, cpu = time.perf_counter(), time.process_time()
    call_command("rebuild_statistics")
    with connection.cursor() as cursor:
        for table in ("payments_moneytally", "payments_persontally", "cases_filetally"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(
        f"rebuild_statistics: {time.perf_counter() - started:.0f} s wall, "
        f"{time.process_time() - cpu:.1f} s CPU (load {load()})",
        flush=True,
    )


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def timed(fn, runs: int = 5, before=None) -> tuple[float, float, int]:
    """Median wall and CPU (this process) milliseconds of `runs` calls after a warm-up, and the
    queries of one call (counted by an execute wrapper: a request resets `connection.queries`).
    `before`, if given, runs untimed before each call."""
    from django.db import connection

    before = before or (lambda: None)
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    before()
    with connection.execute_wrapper(counter):
        fn()
    walls, cpus = [], []
    for _ in range(runs):
        before()
        started, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus), count


def _getter(client, year: int, path: str, **params):
    def call():
        response = client.get(path, {"year": year, **params})
        assert response.status_code == 200, (path, response.status_code)

    return call


def _forget_returns() -> None:
    from figures.models import RenderedReturn

    RenderedReturn.objects.all().delete()


def _uncached(call):
    """The request with the stored return PDFs deleted first: WeasyPrint's own cost."""

    def uncached():
        _forget_returns()
        call()

    return uncached


def _after_the_page(client, year: int):
    """The download that follows the statistics page, once the worker has run the task the page
    enqueued (`db_worker --batch`, in this process, not timed): what a user who reads the page
    before clicking the PDF gets after the figures changed."""
    from django.core.management import call_command

    def prepare():
        _forget_returns()
        assert client.get("/statistics/", {"year": year}).status_code == 200
        call_command("db_worker", batch=True, startup_delay=False, verbosity=0)

    download = _getter(client, year, "/statistics/return.pdf")
    return prepare, download


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--payments", type=int, default=2_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse a filled database")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per request")
    parser.add_argument(
        "--rebuild", action="store_true", help="with --keep: rebuild the tallies first"
    )
    args = parser.parse_args()
    if not args.keep:
        recreate_database()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import User
    from payments.models import Payment

    if args.keep:
        call_command("migrate", verbosity=0)
        if args.rebuild:
            rebuild()
        leader = User.objects.get(username="bench-leader")
        officer = User.objects.get(username="bench-officer")
    else:
        call_command("migrate", verbosity=0)
        leader, officer = fill(args.people, args.payments)
    year = FIRST_YEAR + YEARS - 2
    union = officer.organisation_id
    print(f"\n{Payment.objects.count():,} payments; year {year}; medians of {args.runs}, ms\n")
    print("| user | request | wall ms | CPU ms | queries | target < 300 ms | load |")
    print("|---|---|---:|---:|---:|---|---|")
    for label, user in (("leader (federation)", leader), ("officer (one union)", officer)):
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)

        get = functools.partial(_getter, client, year)
        requests = [
            ("page", get("/statistics/")),
            ("page, one union, warmth", get("/statistics/", organisation=union, kind="warmth")),
            ("list behind the net figure", get("/statistics/payments/", figure="net")),
            ("list behind the in-file figure", get("/statistics/files/", figure="in_file")),
            ("return XLSX", get("/statistics/return.xlsx")),
            ("return PDF", get("/statistics/return.pdf")),
            ("return PDF, rendered afresh", _uncached(get("/statistics/return.pdf"))),
            ("return PDF after its page (prepared by the worker)", _after_the_page(client, year)),
        ]
        for name, call in requests:
            before, call = call if isinstance(call, tuple) else (None, call)
            ms, cpu, queries = timed(call, args.runs, before)
            verdict = "met" if ms < TARGET_MS else "NOT met"
            print(
                f"| {label} | {name} | {ms:,.0f} | {cpu:,.0f} | {queries} | {verdict} | {load()} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
