"""Adding to pre-aggregated tallies (the statistics' counters) in one statement.

A tally model names its key columns in `KEY` and its counters in `VALUES`. Each service adds the
difference it makes with `INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`, so two
transactions adding to the same row both count and neither reads it first.
"""

import functools

from django.db import connection

from .prepared import prepared_cursor


def add_to_tallies(model, rows: list[tuple[tuple, tuple]]) -> None:
    """Add `rows` (key, values) to `model`'s table in one statement, creating missing rows."""
    statement = tally_statement(model, rows)
    if statement is None:
        return
    # One row (a single payment's or case's move) is the common, fixed-shape statement.
    with prepared_cursor(prepare=len(rows) == 1) as cursor:
        cursor.execute(*statement)


def tally_statement(model, rows: list[tuple[tuple, tuple]]) -> tuple[str, list] | None:
    """`add_to_tallies`'s upsert (SQL and parameters) without running it, for a caller that
    sends it with another statement (on PostgreSQL, as a data-modifying WITH); None: no rows."""
    if not rows:
        return None
    params = [value for key, values in rows for value in (*key, *values)]
    return _upsert_sql(model, len(rows)), params


@functools.lru_cache(maxsize=32)
def _upsert_sql(model, count: int) -> str:
    """The upsert's text for `count` rows, built once for the counts in use (a single payment's
    one row above all)."""
    table = connection.ops.quote_name(model._meta.db_table)
    key_columns = [model._meta.get_field(name).column for name in model.KEY]
    value_columns = [connection.ops.quote_name(c) for c in model.VALUES]
    columns = ", ".join([connection.ops.quote_name(c) for c in key_columns] + value_columns)
    width = len(key_columns) + len(value_columns)
    placeholders = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * count)
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in value_columns)
    conflict = ", ".join(connection.ops.quote_name(c) for c in key_columns)
    return (
        f"INSERT INTO {table} ({columns}) VALUES {placeholders} "  # noqa: S608 — our names
        f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    )
