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


def secondary_indexes(table):
    with connection.cursor() as c:
        c.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               WHERE i.tablename = %s AND NOT EXISTS (
                 SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)""",
            [table],
        )
        return c.fetchall()


def fill(rows: int, unions, users):
    tracked = tracked_models()["cases.person"]
    hm = tracked.history_model
    h_table, e_table = hm._meta.db_table, ChangeEntry._meta.db_table
    columns = list(tracked.columns)
    with connection.cursor() as c:
        c.execute(f'SELECT count(*) FROM "{h_table}"')
        if c.fetchone()[0] >= rows:
            say(f"{h_table} already holds >= {rows} rows; skipping the fill")
            return
    from audits.chain import seal_pending

    seal_pending()  # the world's own rows first; the filled rows continue the chain
    head = ChainHead.objects.get(name=CHAIN_CHANGES)
    first_seq, previous_chain = head.seq, head.digest
    first_entry = (ChangeEntry.objects.order_by("-id").values_list("id", flat=True).first()) or 0
    dropped = secondary_indexes(h_table) + secondary_indexes(e_table)
    with connection.cursor() as c:
        for name, _definition in dropped:
            c.execute(f'DROP INDEX "{name}"')
        # unique constraints of the entry table are rebuilt after the load too
        c.execute(f'ALTER TABLE "{e_table}" DROP CONSTRAINT IF EXISTS changeentry_one_per_row')
        c.execute(
            f'ALTER TABLE "{e_table}" DROP CONSTRAINT IF EXISTS audits_changeentry_chain_seq_key'
        )
    people = max(1, rows // 10)
    key = _key()
    column_names = column_set(tracked).names
    columns_id = column_set(tracked).pk
    paths = {u.pk: u.path for u in unions}
    union_ids = [u.pk for u in unions]
    user_ids = [u.pk for u in users]
    entry_columns = [
        "id",
        "at",
        "user_id",
        "model",
        "object_id",
        "history_id",
        "prev_history_id",
        "kind",
        "organisation_id",
        "organisation_path",
        "reason",
        "digest",
        "chain_seq",
        "chain_digest",
        "columns_id",
    ]
    started = time.monotonic()
    bank = "622202020000"
    h_sql = f'COPY "{h_table}" ({", ".join(columns)}) FROM STDIN'
    e_sql = f'COPY "{e_table}" ({", ".join(entry_columns)}) FROM STDIN'
    raw = connection.connection
    h_batch, e_batch = [], []

    def flush():
        with raw.cursor() as cursor:
            with cursor.copy(h_sql) as copy:
                for values in h_batch:
                    copy.write_row(values)
            with cursor.copy(e_sql) as copy:
                for values in e_batch:
                    copy.write_row(values)
        h_batch.clear()
        e_batch.clear()

    for i in range(rows):
        history_id = i + 1
        person_id = i % people + 1
        version = i // people
        org = union_ids[person_id % len(union_ids)]
        at = T0 + datetime.timedelta(seconds=i * 30)
        user = user_ids[i % len(user_ids)]
        row = {
            "address": f"幸福路{person_id}号",
            "bank_account": f"{bank}{person_id:07d}",
            "bank_name": "中国工商银行",
            "birth_date": datetime.date(1970, 1, 1) + datetime.timedelta(days=person_id % 9000),
            "created_at": T0,
            "employment_status": "retired" if version % 2 else "in_service",
            "gender": "M",
            "history_change_reason": f"第{version}次更新" if version else "登记",
            "history_date": at,
            "history_id": history_id,
            "history_type": "~" if version else "+",
            "history_user_id": user,
            "household_monthly_income": Decimal(3000 + version * 100).quantize(Decimal("0.01")),
            "household_size": 3,
            "id": person_id,
            "id_number": f"41010219700101{person_id % 10000:04d}",
            "id_tail": f"{person_id % 10000:04d}",
            "is_disabled": False,
            "is_frontline_medical": False,
            "is_hubei_team": False,
            "is_model_worker": bool(version % 3 == 0),
            "mobile": f"138{person_id:08d}",
            "name": f"职工{person_id}",
            "organisation_id": org,
            "position": "教师",
            "updated_at": at,
        }
        entry = {
            "model": "cases.person",
            "object_id": str(person_id),
            "history_id": history_id,
            "prev_history_id": history_id - people if version else None,
            "kind": row["history_type"],
            "at": at,
            "user_id": user,
            "organisation_id": org,
            "organisation_path": paths[org],
            "reason": row["history_change_reason"],
            "columns_id": columns_id,
        }
        digest = _mac(entry_text(entry, row, [], column_names), key)
        seq = first_seq + history_id
        previous_chain = chain_link(previous_chain, seq, digest, key)
        h_batch.append([row[name] for name in columns])
        e_batch.append(
            [
                first_entry + history_id,
                at,
                user,
                "cases.person",
                str(person_id),
                history_id,
                entry["prev_history_id"],
                entry["kind"],
                org,
                paths[org],
                entry["reason"],
                digest,
                seq,
                previous_chain,
                columns_id,
            ]
        )
        if len(h_batch) >= 50_000:
            flush()
        if history_id % 500_000 == 0:
            rate = history_id / (time.monotonic() - started)
            say(f"  {history_id:,} rows ({rate:,.0f}/s)")
    flush()
    load = time.monotonic() - started
    say(f"COPY of {rows:,} history rows + {rows:,} entries: {load:.0f}s")
    started = time.monotonic()
    with connection.cursor() as c:
        for _name, definition in dropped:
            c.execute(definition)
        c.execute(
            f'ALTER TABLE "{e_table}" ADD CONSTRAINT changeentry_one_per_row '
            f"UNIQUE (model, history_id)"
        )
        c.execute(
            f'ALTER TABLE "{e_table}" ADD CONSTRAINT audits_changeentry_chain_seq_key '
            f"UNIQUE (chain_seq)"
        )
        c.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{h_table}\"', 'history_id'), %s)", [rows]
        )
        c.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{e_table}\"', 'id'), %s)",
            [first_entry + rows],
        )
        c.execute(f'ANALYZE "{h_table}"')
        c.execute(f'ANALYZE "{e_table}"')
    ChainHead.objects.filter(name=CHAIN_CHANGES).update(seq=first_seq + rows, digest=previous_chain)
    say(f"index rebuild + analyze: {time.monotonic() - started:.0f}s")


def timed(client, url, params=None, repeat=5):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, params or {})
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return statistics.median(times), response


def main():
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
