"""Reading rows for verification as their canonical text, column by column, without Django's
per-row machinery: verification reads every history row there is, and `.values()` spends more
time building dicts and converting values than the MACs take.

Each column is read as the same text `registry.canonical` gives for the value Django would load
(`tests/audits/test_fast_reads.py` holds them equal for every tracked column): text, integers,
booleans and SQLite's dates are made canonical by the SELECT itself; SQLite's datetimes are
read as text and rewritten (or parsed by the C `fromisoformat`), PostgreSQL's through psycopg's
own loaders, and anything else through Django's own converters, then `canonical`.
"""

import datetime
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection, models
from django.db.models.expressions import Col

from core.prepared import prepared_cursor

from ..registry import canonical
from .keys import CHUNK

NULL = canonical(None)
_TEXT = {"CharField", "TextField", "SlugField", "EmailField", "URLField"}
_INTEGER = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "ForeignKey",
    "OneToOneField",
}
UTC = datetime.UTC


def _sqlite_datetime(value: Any) -> str:
    if value is None:
        return NULL
    if value[10:11] == " " and (len(value) == 19 or (len(value) == 26 and value[19] == ".")):
        # What Django writes (naive UTC, isoformat with a space): the text is the canonical one.
        return f"{value[:10]}T{value[11:]}+00:00"
    parsed = datetime.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC).isoformat()
    return parsed.astimezone(UTC).isoformat()


def _with_converters(field: models.Field, model) -> Callable[[Any], str]:
    """Django's own converters for the column (as `.values()` applies them), then canonical."""
    expression = Col(model._meta.db_table, field)
    converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(
        connection
    )

    def convert(value: Any) -> str:
        for converter in converters:
            value = converter(value, expression, connection)
        return canonical(value)

    return convert


def _column(field: models.Field, model) -> tuple[str, Callable[[Any], str] | None]:
    """(SELECT expression, raw → canonical text) for one column; no function when the SQL
    already gives the canonical text. NULL becomes the text of `canonical(None)` (a digest does
    not tell the two apart either)."""
    kind = field.get_internal_type()
    name = connection.ops.quote_name(str(field.column))
    sqlite = connection.vendor == "sqlite"
    if kind in _TEXT and not field.get_db_converters(connection):
        return f"COALESCE({name}, '{NULL}')", None
    if kind in _INTEGER or (sqlite and kind == "DateField"):
        # Integers as decimal text; SQLite keeps dates as the ISO text Django wrote.
        return f"COALESCE(CAST({name} AS TEXT), '{NULL}')", None
    if kind == "BooleanField":
        return f"CASE WHEN {name} IS NULL THEN '{NULL}' WHEN {name} THEN 'T' ELSE 'F' END", None
    if sqlite and kind == "DateTimeField":
        # Read as text (no declared type, so sqlite3 does not parse it).
        return f"CAST({name} AS TEXT)", _sqlite_datetime
    if not sqlite:
        # psycopg's loaders (see _raw_cursor) already give the values Django would.
        return name, canonical
    return name, _with_converters(field, model)


class CanonicalReader:
    """SELECTs `columns` of `model`'s table as tuples of canonical text, in keyset chunks."""

    def __init__(self, model, columns: tuple[str, ...]):
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        selected = [_column(by_attname[name], model) for name in columns]
        self.columns = columns
        self.index = {name: n for n, name in enumerate(columns)}
        self.table = connection.ops.quote_name(model._meta.db_table)
        self.select = ", ".join(expression for expression, _f in selected)
        self.convert = [(n, f) for n, (_e, f) in enumerate(selected) if f is not None]

    def rows(self, where: str = "", params: tuple = ()) -> list[Any]:
        """Every row matching `where` (for small, known sets)."""
        sql = f"SELECT {self.select} FROM {self.table}"  # noqa: S608 — our own table
        return self._convert(fetch(sql + (f" WHERE {where}" if where else ""), params))

    def chunks(
        self, order: str, *, after: int | None = None, where: str = "", params: tuple = ()
    ) -> Iterator[list[Any]]:
        """Chunks of rows in `order` (an integer column), each with the raw order value first."""
        column = connection.ops.quote_name(order)
        conditions = [where] if where else []
        last = after
        while True:
            keyset = conditions + ([f"{column} > %s"] if last is not None else [])
            sql = (
                f"SELECT {column}, {self.select} FROM {self.table}"  # noqa: S608
                + (f" WHERE {' AND '.join(keyset)}" if keyset else "")
                + f" ORDER BY {column} LIMIT {CHUNK}"
            )
            raw = fetch(sql, params + ((last,) if last is not None else ()))
            if not raw:
                return
            last = raw[-1][0]
            yield self._convert(raw, keep_first=True)
            if len(raw) < CHUNK:
                return

    def convert_row(self, raw) -> list:
        """One row of raw values (as SELECTed with `select`) as canonical text."""
        row = list(raw)
        for n, function in self.convert:
            row[n] = function(row[n])
        return row

    def _convert(self, raw: list, keep_first: bool = False) -> list:
        offset = 1 if keep_first else 0
        convert = [(n + offset, f) for n, f in self.convert]
        if not convert:
            return raw
        rows = []
        for r in raw:
            row = list(r)
            for n, function in convert:
                row[n] = function(row[n])
            rows.append(row)
        return rows


def fetch(sql: str, params: tuple, *, prepare: bool = False) -> list:
    """Every row of `sql`, through Django's cursor (so the statement is counted and logged like
    any other) but with psycopg's C loaders on PostgreSQL: Django's make timestamps in Python;
    psycopg's give the same aware values (UTC session), and jsonb parsed as JSONField would.
    `prepare`: a statement of fixed text run on every save, kept prepared (`core.prepared`)."""
    with prepared_cursor(prepare=prepare) as wrapper:
        if connection.vendor == "postgresql":
            import psycopg
            from psycopg.pq import Format

            for name in ("timestamptz", "jsonb"):
                oid = psycopg.postgres.types[name].oid
                wrapper.cursor.adapters.register_loader(
                    name, psycopg.adapters.get_loader(oid, Format.TEXT)
                )
        wrapper.execute(sql, params)
        return wrapper.fetchall()
