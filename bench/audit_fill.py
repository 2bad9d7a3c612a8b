# ruff: noqa: S608 — SQL over our own table names, for the load
"""Filling the audit tables for `bench/audit.py`: N person history rows (ten versions of N / 10
people), their `ChangeEntry` rows with real keyed digests, the sealed chain continuing the
existing one, and the live people at their latest version, so `verify_audit` finds an intact
trail. PostgreSQL loads by COPY with the secondary indexes dropped and rebuilt; SQLite by
`executemany` in one transaction.
"""

import datetime
import time
from decimal import Decimal

from django.db import connection, transaction

from audits.chain import CHAIN_CHANGES, _key, _mac, chain_link, column_set, entry_text
from audits.models import ChainHead, ChangeEntry
from audits.registry import tracked_models
from cases.models import Person

T0 = datetime.datetime(2016, 1, 1, tzinfo=datetime.UTC)
ENTRY_COLUMNS = (
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
    "key_id",
    "chain_seq",
    "chain_digest",
    "columns_id",
)


def say(*args):
    print(*args, flush=True)


def _history_row(i: int, people: int, union_ids, user_ids) -> dict:
    person_id = i % people + 1
    version = i // people
    at = T0 + datetime.timedelta(seconds=i * 30)
    return {
        "address": f"幸福路{person_id}号",
        "bank_account": f"622202020000{person_id:07d}",
        "bank_name": "中国工商银行",
        "birth_date": datetime.date(1970, 1, 1) + datetime.timedelta(days=person_id % 9000),
        "created_at": T0,
        "employment_status": "retired" if version % 2 else "in_service",
        "gender": "M",
        "history_change_reason": f"第{version}次更新" if version else "登记",
        "history_date": at,
        "history_id": i + 1,
        "history_type": "~" if version else "+",
        "history_user_id": user_ids[i % len(user_ids)],
        "household_monthly_income": Decimal(3000 + version * 100).quantize(Decimal("0.01")),
        "household_size": 3,
        "id": person_id,
        "id_number": f"4101021970{person_id:08d}",
        "id_tail": f"{person_id % 10000:04d}",
        "is_disabled": False,
        "is_frontline_medical": False,
        "is_hubei_team": False,
        "is_model_worker": bool(version % 3 == 0),
        "mobile": f"138{person_id:08d}",
        "name": f"职工{person_id}",
        "organisation_id": union_ids[person_id % len(union_ids)],
        "position": "教师",
        "updated_at": at,
    }


def _generate(rows: int, unions, users, first_seq: int, previous_chain: str, first_entry: int):
    """(history values, entry values) per row, digests and chain links computed as the app
    computes them."""
    tracked = tracked_models()["cases.person"]
    columns = tracked.columns
    people = max(1, rows // 10)
    key = _key()
    from audits.chain import current_key_id

    kid = current_key_id()
    names = column_set(tracked).names
    defaults = {f.attname: f.get_default() for f in tracked.history_model._meta.concrete_fields}
    columns_id = column_set(tracked).pk
    paths = {u.pk: u.path for u in unions}
    union_ids = [u.pk for u in unions]
    user_ids = [u.pk for u in users]
    for i in range(rows):
        row = _history_row(i, people, union_ids, user_ids)
        for name in columns:  # columns added to Person since this script was written
            if name not in row:
                row[name] = defaults[name]
        history_id, person_id = row["history_id"], row["id"]
        entry = {
            "model": "cases.person",
            "object_id": str(person_id),
            "history_id": history_id,
            "prev_history_id": history_id - people if history_id > people else None,
            "kind": row["history_type"],
            "at": row["history_date"],
            "user_id": row["history_user_id"],
            "organisation_id": row["organisation_id"],
            "organisation_path": paths[row["organisation_id"]],
            "reason": row["history_change_reason"],
            "columns_id": columns_id,
            "key_id": kid,
        }
        digest = _mac(entry_text(entry, row, [], names), key)
        seq = first_seq + history_id
        previous_chain = chain_link(previous_chain, seq, digest, key)
        entry |= {
            "id": first_entry + history_id,
            "digest": digest,
            "chain_seq": seq,
            "chain_digest": previous_chain,
        }
        yield [row[name] for name in columns], [entry[name] for name in ENTRY_COLUMNS]
    return previous_chain


def _secondary_indexes(table):
    with connection.cursor() as c:
        c.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               WHERE i.tablename = %s AND NOT EXISTS (
                 SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)""",
            [table],
        )
        return c.fetchall()


def _sqlite_value(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class _Writer:
    """Batches of rows into the two tables, by COPY (PostgreSQL) or executemany (SQLite)."""

    def __init__(self, h_table: str, columns, e_table: str):
        self.postgres = connection.vendor == "postgresql"
        self.h, self.e = [], []
        if self.postgres:
            self.h_sql = f'COPY "{h_table}" ({", ".join(columns)}) FROM STDIN'
            self.e_sql = f'COPY "{e_table}" ({", ".join(ENTRY_COLUMNS)}) FROM STDIN'
        else:
            marks = ", ".join("?" * len(columns))
            self.h_sql = f'INSERT INTO "{h_table}" ({", ".join(columns)}) VALUES ({marks})'
            marks = ", ".join("?" * len(ENTRY_COLUMNS))
            self.e_sql = f'INSERT INTO "{e_table}" ({", ".join(ENTRY_COLUMNS)}) VALUES ({marks})'

    def add(self, h_values, e_values):
        self.h.append(h_values)
        self.e.append(e_values)
        if len(self.h) >= 50_000:
            self.flush()

    def flush(self):
        if not self.h:
            return
        raw = connection.connection
        if self.postgres:
            with raw.cursor() as cursor:
                for sql, batch in ((self.h_sql, self.h), (self.e_sql, self.e)):
                    with cursor.copy(sql) as copy:
                        for values in batch:
                            copy.write_row(values)
        else:
            for sql, batch in ((self.h_sql, self.h), (self.e_sql, self.e)):
                # Columns whose first value needs converting (datetimes, dates, decimals).
                columns = [n for n, v in enumerate(batch[0]) if _sqlite_value(v) is not v]
                for values in batch:
                    for n in columns:
                        values[n] = _sqlite_value(values[n])
                raw.executemany(sql, batch)
        self.h.clear()
        self.e.clear()


def fill(rows: int, unions, users) -> None:
    tracked = tracked_models()["cases.person"]
    h_table, e_table = tracked.history_model._meta.db_table, ChangeEntry._meta.db_table
    if tracked.history_model._default_manager.count() >= rows:
        say(f"{h_table} already holds >= {rows:,} rows; skipping the fill")
        return
    from audits.chain import seal_pending

    seal_pending()  # the world's own rows first; the filled rows continue the chain
    head = ChainHead.objects.get(name=CHAIN_CHANGES)
    first_entry = (ChangeEntry.objects.order_by("-id").values_list("id", flat=True).first()) or 0
    postgres = connection.vendor == "postgresql"
    dropped = _secondary_indexes(h_table) + _secondary_indexes(e_table) if postgres else []
    with connection.cursor() as c:
        for name, _definition in dropped:
            c.execute(f'DROP INDEX "{name}"')
        if postgres:
            for constraint in ("changeentry_one_per_row", "audits_changeentry_chain_seq_key"):
                c.execute(f'ALTER TABLE "{e_table}" DROP CONSTRAINT IF EXISTS {constraint}')
    started = time.monotonic()
    writer = _Writer(h_table, tracked.columns, e_table)
    rows_made = _generate(rows, unions, users, head.seq, head.digest, first_entry)
    with transaction.atomic():
        while True:
            try:
                h_values, e_values = next(rows_made)
            except StopIteration as end:
                last_chain = end.value
                break
            writer.add(h_values, e_values)
            if e_values[5] % 200_000 == 0:
                rate = e_values[5] / (time.monotonic() - started)
                say(f"  {e_values[5]:,} rows ({rate:,.0f}/s)")
        writer.flush()
        ChainHead.objects.filter(name=CHAIN_CHANGES).update(seq=head.seq + rows, digest=last_chain)
        _insert_live_people(tracked)
    say(f"load of {rows:,} history rows + {rows:,} entries: {time.monotonic() - started:.0f}s")
    started = time.monotonic()
    with connection.cursor() as c:
        for _name, definition in dropped:
            c.execute(definition)
        if postgres:
            c.execute(
                f'ALTER TABLE "{e_table}" ADD CONSTRAINT changeentry_one_per_row '
                f"UNIQUE (model, history_id)"
            )
            c.execute(
                f'ALTER TABLE "{e_table}" ADD CONSTRAINT audits_changeentry_chain_seq_key '
                f"UNIQUE (chain_seq)"
            )
            for table, column, value in ((h_table, "history_id", rows), (e_table, "id", 0)):
                value = value or first_entry + rows
                c.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), %s)",
                    [value],
                )
        c.execute(f'ANALYZE "{h_table}"')
        c.execute(f'ANALYZE "{e_table}"')
    say(f"index rebuild + analyze: {time.monotonic() - started:.0f}s")


def _insert_live_people(tracked) -> None:
    """Each person's live row equals its latest history row, as after saves in the app."""
    live = [f.attname for f in Person._meta.concrete_fields]
    h_table = tracked.history_model._meta.db_table
    names = ", ".join(live)
    with connection.cursor() as c:
        c.execute(
            f'INSERT INTO "{Person._meta.db_table}" ({names}) SELECT {names} FROM "{h_table}" '
            f'WHERE history_id IN (SELECT MAX(history_id) FROM "{h_table}" GROUP BY id) '
            f'AND id NOT IN (SELECT id FROM "{Person._meta.db_table}")'
        )
