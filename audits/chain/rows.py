"""Reading rows for verification: problems as values, and keyset chunks of plain dicts."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection

from .keys import CHUNK


@dataclass
class Problem:
    what: str  # model label or chain name
    ident: str  # history id / seq / row id
    message: str

    def __str__(self) -> str:
        return f"{self.what} {self.ident}: {self.message}"


def _fast_rows(qs, columns: tuple[str, ...]) -> list[dict]:
    """`.values()` without Django's per-row work, for verification speed on PostgreSQL.

    Django loads timestamps through a Python loader; psycopg's own C loaders give the same
    values (the session time zone is UTC) several times faster. jsonb is parsed as JSONField
    would; every other type keeps Django's loaders.
    """
    if connection.vendor != "postgresql":
        return list(qs.values(*columns))
    import psycopg
    from psycopg.pq import Format

    sql, params = qs.values_list(*columns).query.sql_with_params()
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        for name in ("timestamptz", "jsonb"):
            oid = psycopg.postgres.types[name].oid
            cursor.adapters.register_loader(name, psycopg.adapters.get_loader(oid, Format.TEXT))
        cursor.execute(sql, params)
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def chunks(queryset, order: str, columns: tuple[str, ...]) -> Iterator[list[dict]]:
    """Keyset-ordered chunks of rows as dicts: constant memory over millions of rows."""
    last = None
    while True:
        qs = queryset.order_by(order)
        if last is not None:
            qs = qs.filter(**{f"{order}__gt": last})
        chunk = _fast_rows(qs[:CHUNK], columns)
        if not chunk:
            return
        yield chunk
        last = chunk[-1][order]
