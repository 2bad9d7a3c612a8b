# ruff: noqa: S608 — SQL over our own table and column names, for the load
"""Benchmark (not a test): the people list at a city's scale, old paging beside keyset paging.

    .venv/bin/python bench/people_list.py [--people 1000000] [--keep]

Recreates the PostgreSQL database `bench_people` (`BENCH_DATABASE_URL` to change it), migrates
it, and fills it by SQL (`generate_series`) with a federation of 30 unions of four organisations
each and N people, one union holding an eighth of them (the officer's scope). Then times, for a
federation user and that union's officer, through the real view (test client: scope, filter,
query, template): page 1, a page deep in the list (the middle, reached by its cursor), and the
search box's kinds — name prefix, full ID number, ID tail, mobile number. Beside each, the
baseline measured in the same run: the old query shape (`Paginator` with its `COUNT(*)` and
OFFSET, the scope as a join on `path LIKE`), evaluated alone, without rendering.

Medians of 5 runs after one warm-up, in milliseconds: the view's wall time and the CPU time of
this process for it (the rest is waiting on the database, or for a core on a loaded machine).
A full ID number is searched as the browser does (posted, then the tokenised redirect). `--keep`
reuses the fill and applies any new migration (an index) before timing. Target: every view
under 100 ms.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_people")
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relief.settings.dev")
UNIONS = 30
SUBUNITS = 3
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def recreate_database() -> None:
    import psycopg

    name = URL.rsplit("/", 1)[1]
    with psycopg.connect(URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _literal(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "NULL"
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def fill(people: int):
    """Organisations and users through the ORM, people by one INSERT … SELECT."""
    from django.contrib.auth.models import Group
    from django.db import connection

    from accounts.models import User
    from accounts.roles import Role, ensure_role_groups
    from cases.models import Organisation, Person
    from cases.services import save_organisation

    ensure_role_groups()
    root = save_organisation(Organisation(code="FED", name="市教科文卫体工会"))
    leaves = []
    for u in range(UNIONS):
        union = save_organisation(Organisation(code=f"U{u}", name=f"基层工会{u}", parent=root))
        leaves.append([union.pk])
        for s in range(SUBUNITS):
            sub = save_organisation(
                Organisation(code=f"U{u}S{s}", name=f"基层工会{u}分会{s}", parent=union)
            )
            leaves[-1].append(sub.pk)
    federation_user = User.objects.create(username="bench-finance", organisation=root)
    federation_user.groups.add(Group.objects.get(name=Role.FINANCE))
    officer = User.objects.create(username="bench-officer", organisation_id=leaves[0][0])
    officer.groups.add(Group.objects.get(name=Role.CASE_OFFICER))

    # One eighth of the people in union 0's subtree, the rest spread over the other unions.
    own = [pk for pk in leaves[0]]
    others = [pk for group in leaves[1:] for pk in group]
    set_by_sql = {
        "id": None,
        "name": f"substr('{SURNAMES}', (i % {len(SURNAMES)}) + 1, 1) || '某' || i",
        "gender": "CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END",
        "id_number": "'11010119' || lpad((i % 1000000000)::text, 9, '0') || 'X'",
        "id_tail": "right(lpad((i % 1000000000)::text, 9, '0'), 3) || 'X'",
        "birth_date": "date '1960-01-01' + (i % 15000)",
        "mobile": "'13' || lpad(i::text, 9, '0')",
        "organisation_id": (
            f"CASE WHEN i % 8 = 0 THEN (ARRAY{own})[(i / 8) % {len(own)} + 1] "
            f"ELSE (ARRAY{others})[i % {len(others)} + 1] END"
        ),
        "bank_name": "'中国工商银行'",
        "bank_account": "'622202' || lpad(i::text, 13, '0')",
        "created_at": "now()",
        "updated_at": "now()",
    }
    columns, values = [], []
    for field in Person._meta.concrete_fields:
        if field.column in set_by_sql:
            if set_by_sql[field.column] is not None:
                columns.append(field.column)
                values.append(set_by_sql[field.column])
        elif not field.null:
            columns.append(field.column)
            values.append(_literal(field.get_db_prep_save(field.get_default(), connection)))
    table = Person._meta.db_table
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"SELECT {', '.join(values)} FROM generate_series(1, {int(people)}) AS i"
        )
        cursor.execute("ANALYZE cases_organisation")
    # As autovacuum would, long before a million rows are read: sets the visibility map that
    # index-only scans need (without it every index hit is also a heap read).
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"filled {people:,} people in {time.perf_counter() - started:.0f} s")
    return federation_user, officer


TARGET_MS = 100.0


def median_ms(fn, runs: int = 5) -> float:
    return median_ms_and_cpu(fn, runs)[0]


def median_ms_and_cpu(fn, runs: int = 5) -> tuple[float, float]:
    fn()
    timings, cpus = [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        fn()
        timings.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(timings), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse a filled database")
    args = parser.parse_args()
    if not args.keep:
        recreate_database()

    import django

    django.setup()
    from django.core.management import call_command
    from django.urls import reverse

    from accounts.models import User
    from cases.models import Person

    call_command("migrate", verbosity=0)
    if args.keep:
        federation_user = User.objects.get(username="bench-finance")
        officer = User.objects.get(username="bench-officer")
    else:
        federation_user, officer = fill(args.people)

    url = reverse("cases:person_list")
    sample = Person.objects.filter(organisation_id=officer.organisation_id).order_by("id").first()
    searches = {
        "name prefix": sample.name[:3],
        "full ID number": sample.id_number,
        "ID tail": sample.id_tail,
        "mobile": sample.mobile,
    }
    load = os.getloadavg()
    print(
        f"\n{Person.objects.count():,} people; medians of 5, ms; "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}\n"
    )
    print(
        "| user | request | old queries (Paginator, path join) | new queries (ids, keyset) "
        "| ratio | new, whole view | its CPU |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    worst = 0.0
    for label, user in (("federation", federation_user), ("officer", officer)):
        for request_label, old, new, view in timed_requests(url, user, searches):
            before, after = median_ms(old), median_ms(new)
            whole, cpu = median_ms_and_cpu(view)
            worst = max(worst, whole)
            print(
                f"| {label} | {request_label} | {before:,.1f} | {after:,.1f} "
                f"| {before / after:,.1f}× | {whole:,.1f} | {cpu:,.1f} |"
            )
    load = os.getloadavg()
    print(
        f"\nslowest whole view {worst:,.1f} ms vs target {TARGET_MS:.0f} ms: "
        f"{'met' if worst < TARGET_MS else 'NOT met'} (load average {load[0]:.1f})"
    )


def timed_requests(url: str, user, searches: dict):
    """(label, old query shape, new query shape, new view) for one user; the query shapes are
    timed alone (count and rows), the view with scope, form and template."""
    from django.core.paginator import Paginator
    from django.test import Client, RequestFactory

    from cases.filters import search_people
    from cases.models import Person
    from cases.selectors import people_visible_to, scope_path
    from cases.views.people import PERSON_ORDER
    from core.paging import encode_cursor, keyset_page

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    scope = Person.objects.select_related("organisation")
    prefix = scope_path(user)
    old_scope = scope.filter(organisation__path__startswith=prefix) if prefix else scope
    middle = old_scope.count() // 2
    deep_row = old_scope.order_by(*PERSON_ORDER)[middle]
    deep_cursor = encode_cursor(tuple(getattr(deep_row, f) for f in PERSON_ORDER))
    deep_number = middle // 50 + 1

    def old_page(qs, number):
        page = Paginator(qs.order_by(*PERSON_ORDER), 50).get_page(number)
        return list(page.object_list), page.paginator.count

    new_scope = people_visible_to(user).select_related("organisation")

    def new_page(qs, **params):
        return keyset_page(RequestFactory().get("/", params), qs, PERSON_ORDER, 50, ids_first=True)

    def view(**params):
        response = client.get(f"{url}?{urlencode(params)}")
        assert response.status_code == 200, response.status_code

    def searched(value: str) -> str:
        """The page's query string as the browser reaches it: a full ID number is posted and
        comes back as a session token (`core.search`); anything else stays as typed."""
        response = client.post(url, {"_search": "1", "q": value})
        assert response.status_code == 303, response.status_code
        return response["Location"].split("?", 1)[1]

    def view_query(query: str):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, response.status_code

    yield "page 1", lambda: old_page(old_scope, 1), lambda: new_page(new_scope), view
    yield (
        f"page {deep_number:,} (the middle)",
        lambda: old_page(old_scope, deep_number),
        lambda: new_page(new_scope, after=deep_cursor, n=deep_number),
        lambda: view(after=deep_cursor, n=deep_number),
    )
    for kind, value in searches.items():
        query = searched(value)
        yield (
            f"search: {kind}",
            lambda v=value: old_page(search_people(old_scope, v), 1),
            lambda v=value: new_page(search_people(new_scope, v)),
            lambda q=query: view_query(q),
        )


if __name__ == "__main__":
    main()
