"""Statements built once per process and run again with other values, for hot paths.

The ORM compiles a queryset into SQL on every evaluation. On a path of a few small statements
(one payment approval: lock, read, write) the compiling cost several times more Python time than
PostgreSQL took to run them. `PreparedQuery` compiles a queryset once — built with a marker value
where the per-call value goes — and afterwards runs the same SQL with the marker replaced,
converting the rows as the ORM would. `ModelColumns` selects a model's concrete columns under a
table alias and makes an instance of them, for a hand-written join that locks the rows of several
models in one statement (which `select_for_update(of=…)` with `values_list` cannot express).

`prepared_cursor` runs such statements as server-side prepared statements on PostgreSQL: parsed
and planned once per connection, then only bound and executed (planning was a third of what
PostgreSQL spent on an approval). Only for statements of a fixed shape run again and again: each
distinct SQL text costs a prepared statement on the connection (psycopg keeps the last 100).
"""

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet

# psycopg prepares a statement after this many runs of it unless told to at once. Django turns
# preparing off (threshold None: connection poolers in transaction mode lose prepared
# statements; Relief connects directly). A cursor of `prepared_cursor` asks at once; others
# are client-side binding cursors, which psycopg never prepares, so the threshold never fires.
_ONLY_WHEN_ASKED = 2**31 - 1


@functools.cache
def _preparing_cursor_class() -> type:
    """A server-side binding psycopg cursor (as Django's with `server_side_binding`) that
    prepares every statement it runs."""
    import psycopg

    class PreparingCursor(psycopg.Cursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(
                query, params, prepare=True if prepare is None else prepare, binary=binary
            )

        def _send_query_prepared(self, name, pgq, *, binary=None):
            # Keep the statement where an unprepared execute keeps it: Django's debug cursor
            # (DEBUG, CaptureQueriesContext) logs `_query.query`, the text with $1, $2….
            super()._send_query_prepared(name, pgq, binary=binary)
            self._query = pgq

    return PreparingCursor


@contextmanager
def prepared_cursor(using: str = DEFAULT_DB_ALIAS, *, prepare: bool = True) -> Iterator[Any]:
    """A Django cursor (its statements counted and logged like any other) whose statements
    PostgreSQL keeps prepared on the connection; a plain cursor elsewhere, or when `prepare`
    is false (a statement whose text varies, e.g. with the number of rows)."""
    connection = connections[using]
    if not prepare or connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = _ONLY_WHEN_ASKED
    connection.validate_thread_sharing()
    cursor = _preparing_cursor_class()(raw)
    wrapped = (
        connection.make_debug_cursor(cursor)
        if connection.queries_logged
        else connection.make_cursor(cursor)
    )
    with wrapped:
        yield wrapped


class PreparedQuery:
    """A `values_list` queryset compiled once; `rows(*values)` runs it with the markers replaced.

    Each marker must occur exactly once among the compiled parameters (checked when built), so
    pick values no real query would carry (e.g. a negative id)."""

    def __init__(self, queryset: QuerySet, markers: Sequence[Any]) -> None:
        self.db = queryset.db
        self._compiler = queryset.query.get_compiler(self.db)
        sql, params = self._compiler.as_sql()
        self.sql = sql
        self._params = list(params)
        self._slots = []
        for marker in markers:
            found = [n for n, p in enumerate(params) if type(p) is type(marker) and p == marker]
            if len(found) != 1:
                raise ValueError(f"marker {marker!r} found {len(found)} times in {sql}")
            self._slots.append(found[0])

    def rows(self, *values: Any) -> list[tuple]:
        params = list(self._params)
        for slot, value in zip(self._slots, values, strict=True):
            params[slot] = value
        with prepared_cursor(self.db) as cursor:
            cursor.execute(self.sql, params)
            raw = cursor.fetchall()
        return list(self._compiler.results_iter(results=[raw], tuple_expected=True))


class ModelColumns:
    """A model's concrete columns under `alias` in a SELECT, and the instance made of them."""

    def __init__(self, model: type[Model], alias: str, using: str = "default") -> None:
        connection = connections[using]
        quote = connection.ops.quote_name
        fields = model._meta.concrete_fields
        self.model = model
        self.using = using
        self.alias = alias
        self.width = len(fields)
        self.select = ", ".join(f"{quote(alias)}.{quote(str(f.column))}" for f in fields)
        self._attnames = [f.attname for f in fields]
        self._converters: list[tuple[int, Any, list[Callable]]] = []
        for n, field in enumerate(fields):
            column = field.get_col(alias)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                self._converters.append((n, column, found))

    def instance(self, row: Sequence[Any], start: int = 0) -> Any:
        """The instance whose columns begin at `row[start]`, converted as the ORM converts."""
        connection = connections[self.using]
        values = list(row[start : start + self.width])
        for n, column, converters in self._converters:
            for convert in converters:
                values[n] = convert(values[n], column, connection)
        return self.model.from_db(self.using, self._attnames, values)


__all__ = ["ModelColumns", "PreparedQuery", "prepared_cursor"]
