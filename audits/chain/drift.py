"""Drift: live rows whose current values no history row explains.

History rows are signed, live rows are not: a bank account or an amount changed by SQL leaves the
history intact but out of step with the record. Every write through the application leaves a
history row holding the values it saved, so each tracked live row must equal its latest history
row (and that row must not be a deletion). Compared set-wise, a chunk of rows at a time.
"""

from collections.abc import Iterator

from django.db import connection
from django.db.models import Max

from ..registry import Tracked
from .fastread import fetch
from .keys import CHUNK
from .rows import Problem, chunks


def _compared_columns(tracked: Tracked) -> tuple[str, ...]:
    live = {f.attname for f in tracked.model._meta.concrete_fields}
    columns = [c for c in tracked.tracked_columns if c in live]
    if tracked.pk_attname not in columns:
        columns.append(tracked.pk_attname)
    return tuple(columns)


def drifted(tracked: Tracked) -> list:
    """Primary keys of live rows that differ from their latest history row (or have none, or
    whose latest is a deletion), found by the database in one statement: comparing a million
    rows in Python cost more than verifying their history. Null-safe equality of the same
    column types on both sides; `drift_problems(only=…)` then words each one."""
    quote = connection.ops.quote_name
    live = quote(tracked.model._meta.db_table)
    history = quote(tracked.history_model._meta.db_table)
    pk = quote(str(tracked.model._meta.pk.column))
    same = "IS" if connection.vendor == "sqlite" else "IS NOT DISTINCT FROM"
    fields = {f.attname: f for f in tracked.model._meta.concrete_fields}
    compared = " AND ".join(
        f"l.{quote(str(fields[c].column))} {same} h.{quote(str(fields[c].column))}"
        for c in _compared_columns(tracked)
    )
    rows = fetch(
        f"SELECT l.{pk} FROM {live} l LEFT JOIN {history} h ON h.history_id = "  # noqa: S608
        f"(SELECT MAX(p.history_id) FROM {history} p WHERE p.{pk} = l.{pk}) "
        f"WHERE h.history_id IS NULL OR h.history_type = '-' OR NOT ({compared})",
        (),
    )
    return [row[0] for row in rows]


def drift_problems(tracked: Tracked, only: list | None = None) -> Iterator[Problem]:
    """Every live row of the model, or only the rows with primary keys `only`."""
    pk = tracked.pk_attname
    columns = _compared_columns(tracked)
    history = tracked.history_model._default_manager
    live = tracked.model._base_manager.all()
    if only is None:
        parts = chunks(live, pk, columns)
    else:  # in slices: SQLite limits the parameters of one statement
        ids = sorted(only)
        parts = (
            chunk
            for start in range(0, len(ids), CHUNK)
            for chunk in chunks(
                live.filter(**{f"{pk}__in": ids[start : start + CHUNK]}), pk, columns
            )
        )
    for chunk in parts:
        ids = [row[pk] for row in chunk]
        last_ids = (
            history.filter(**{f"{pk}__in": ids})
            .order_by()
            .values(pk)
            .annotate(last=Max("history_id"))
            .values_list("last", flat=True)
        )
        latest = {
            h[pk]: h
            for h in history.filter(history_id__in=list(last_ids)).values(
                *columns, "history_id", "history_type"
            )
        }
        for row in chunk:
            found = latest.get(row[pk])
            ident = f"{pk}={row[pk]}"
            if found is None:
                yield Problem(tracked.label, ident, "记录没有任何历史（在应用之外插入）")
            elif found["history_type"] == "-":
                yield Problem(
                    tracked.label, ident, "记录的最新历史是删除，却仍然存在（在应用之外恢复）"
                )
            else:
                changed = [c for c in columns if row[c] != found[c]]
                if changed:
                    yield Problem(
                        tracked.label,
                        ident,
                        f"当前值与最新历史记录（history_id={found['history_id']}）不符，"
                        f"在应用之外被修改：{', '.join(changed)}",
                    )
