"""Writing granted approvals, for the single and the bulk path alike.

Per approval level (the same fields and reason): one UPDATE of the payments — every value the
rows share as a constant, the payee copied from the (locked) person row in SQL — and one
`INSERT … SELECT` of their history rows, copied from the updated rows: what simple-history
would write (tracked columns, date, user, reason, "~") without building and saving a historical
instance per row through the ORM. The statements are plain SQL: compiling the ORM's UPDATE and
simple-history's INSERT cost more Python time than PostgreSQL took to run them.

The audit trail indexes the new history rows in the same transaction: a single row is announced
with simple-history's own `post_create_historical_record` (as its save would), with the payment
in memory so the trail takes the organisation's path from it; several with
`core.history.bulk_history_written`.
"""

import datetime
import functools
from typing import Any

from django.conf import settings
from django.db import connections, router
from django.db.models import Field, Model
from simple_history.signals import post_create_historical_record

from cases.models import Person
from core.history import bulk_history_written
from core.prepared import prepared_cursor

from ..models import Payment
from .payee import PAYEE_SOURCES

Granted = tuple[Payment, list[str], str]  # the payment, the fields its approval set, the reason


def write_approvals(
    granted: list[Granted],
    *,
    by: Any,
    now: datetime.datetime,
    with_statements: list[tuple[str, list]] | None = None,
) -> None:
    """Save the granted payments and their history, one UPDATE and one INSERT per level.
    `with_statements` (SQL, parameters) are written in the same transaction: on PostgreSQL as
    data-modifying WITHs of the first level's statement (the single approval's tally upsert: one
    round trip less), else each on its own."""
    pending = list(with_statements or [])
    attnames = {f.name: f.attname for f in Payment._meta.concrete_fields}
    groups: dict[tuple[tuple[str, ...], str], list[Payment]] = {}
    for payment, fields, reason in granted:
        groups.setdefault((tuple(fields), reason), []).append(payment)
    history_ids: list[int] = []
    for (names, reason), objs in groups.items():
        constants: dict[str, Any] = {}
        varying = []
        for name in names:
            if name in PAYEE_SOURCES:
                continue
            column_values = {getattr(o, attnames[name]) for o in objs}
            if len(column_values) == 1:
                constants[name] = column_values.pop()
            else:
                varying.append(name)
        ids = [o.pk for o in objs]
        update = _update(ids, constants, with_payee=any(name in PAYEE_SOURCES for name in names))
        with_history = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
        if update and with_history and not varying and _connection().vendor == "postgresql":
            history_ids += _update_and_copy(
                update, ids, by=by, reason=reason, now=now, also=pending
            )
            pending = []
            continue
        if update:
            _execute(*update)
        if varying:
            Payment.objects.bulk_update(objs, varying, batch_size=500)
        if with_history:
            history_ids += _copy_to_history(ids, by=by, reason=reason, now=now)
    for statement in pending:
        _execute(*statement)
    if len(granted) == 1 and len(history_ids) == 1:
        payment, _fields, reason = granted[0]
        _announce_one(payment, history_ids[0], by=by, reason=reason, now=now)
    elif history_ids:
        bulk_history_written.send(sender=Payment, history_model=_history(), history_ids=history_ids)


@functools.cache
def _history():
    """The historical model (simple-history builds a manager class on every `Payment.history`:
    a millisecond each time)."""
    return Payment.history.model


def _connection():
    return connections[router.db_for_write(Payment)]


def _field(model: type[Model], name: str) -> Field:
    """A concrete field by name (`_meta.get_field` may also answer a reverse relation)."""
    return next(f for f in model._meta.concrete_fields if f.name == name)


@functools.cache
def _payee_sql(vendor: str) -> str:
    """`payee_name = (SELECT name FROM person WHERE person.id = payment.person_id), …`"""
    quote = connections[router.db_for_write(Payment)].ops.quote_name
    person, payment = quote(Person._meta.db_table), quote(Payment._meta.db_table)
    person_pk = quote(str(_field(Person, "id").column))
    person_fk = quote(str(_field(Payment, "person").column))
    return ", ".join(
        f"{quote(str(_field(Payment, target).column))} = (SELECT "  # noqa: S608 — our names
        f"{person}.{quote(str(_field(Person, source).column))} FROM {person} "
        f"WHERE {person}.{person_pk} = {payment}.{person_fk})"
        for target, source in PAYEE_SOURCES.items()
    )


def _update(
    ids: list[int], constants: dict[str, Any], *, with_payee: bool
) -> tuple[str, list] | None:
    """The UPDATE of the rows `ids` (SQL and parameters), or None when it sets nothing."""
    connection = _connection()
    quote = connection.ops.quote_name
    assignments, params = [], []
    for name, value in constants.items():
        field = _field(Payment, name)
        assignments.append(f"{quote(str(field.column))} = %s")
        params.append(field.get_db_prep_save(value, connection))
    if with_payee:
        assignments.append(_payee_sql(connection.vendor))
    if not assignments:
        return None
    sql = (
        f"UPDATE {quote(Payment._meta.db_table)} SET {', '.join(assignments)} "  # noqa: S608
        f"WHERE {quote(Payment._meta.pk.column)} IN ({', '.join(['%s'] * len(ids))})"
    )
    return sql, [*params, *ids]


def _execute(sql: str, params: list, *, prepare: bool = False) -> list[tuple]:
    """Run one statement; `prepare` for one of a fixed text (a single payment's), which
    PostgreSQL then keeps planned on the connection (`core.prepared`)."""
    with prepared_cursor(router.db_for_write(Payment), prepare=prepare) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


@functools.cache
def _history_sql(vendor: str) -> tuple[str, str, str, list]:
    """The history INSERT's head (up to its SELECT list), its FROM … WHERE up to the id list,
    the tail after it, and the fixed fields (date, reason, type, user) given as parameters."""
    history = _history()
    quote = _connection().ops.quote_name
    tracked = [quote(f.column) for f in history.tracked_fields]
    pk = quote(str(Payment._meta.pk.column))
    fixed = [
        history._meta.get_field(name)
        for name in ("history_date", "history_change_reason", "history_type", "history_user_id")
    ]
    head = (
        f"INSERT INTO {quote(history._meta.db_table)} "  # noqa: S608 (quoted model names)
        f"({', '.join(tracked + [quote(f.column) for f in fixed])}) "
        f"SELECT {', '.join(tracked)}, {', '.join(['%s'] * len(fixed))} "
    )
    source = f"FROM {quote(Payment._meta.db_table)} WHERE {pk} IN ("
    tail = f") ORDER BY {pk} RETURNING {quote(history._meta.pk.column)}"
    return head, source, tail, fixed


def _fixed_values(fixed: list, *, by, reason: str, now) -> list:
    connection = _connection()
    return [
        field.get_db_prep_save(value, connection)
        for field, value in zip(fixed, (now, reason, "~", by.pk), strict=True)
    ]


def _copy_to_history(ids: list[int], *, by, reason: str, now) -> list[int]:
    """One "~" history row per payment, copied from its current row; the new history ids."""
    head, source, tail, fixed = _history_sql(_connection().vendor)
    sql = head + source + ", ".join(["%s"] * len(ids)) + tail
    rows = _execute(sql, [*_fixed_values(fixed, by=by, reason=reason, now=now), *ids])
    return [row[0] for row in rows]


def _update_and_copy(
    update: tuple[str, list],
    ids: list[int],
    *,
    by,
    reason: str,
    now,
    also: list[tuple[str, list]],
) -> list[int]:
    """PostgreSQL: the UPDATE and the history INSERT as one statement, the history copied from
    the UPDATE's RETURNING (the rows as updated): one round trip and one execute less. `also`
    go first as data-modifying WITHs (they run whether or not the rest refers to them)."""
    head, _source, _tail, fixed = _history_sql(_connection().vendor)
    quote = _connection().ops.quote_name
    tracked = ", ".join(quote(f.column) for f in _history().tracked_fields)
    pk = quote(str(Payment._meta.pk.column))
    update_sql, update_params = update
    extra = "".join(f"also_{n} AS ({sql}), " for n, (sql, _params) in enumerate(also))
    sql = (
        f"WITH {extra}updated AS ({update_sql} RETURNING {tracked}) "
        f"{head}FROM updated ORDER BY {pk} "
        f"RETURNING {quote(_history()._meta.pk.column)}"
    )
    params = [param for _sql, also_params in also for param in also_params]
    params += [*update_params, *_fixed_values(fixed, by=by, reason=reason, now=now)]
    rows = _execute(sql, params, prepare=len(ids) == 1)
    if len(rows) != len(ids):
        raise AssertionError(f"{len(rows)} history rows for {len(ids)} payments")
    return [row[0] for row in rows]


def _announce_one(payment: Payment, history_id: int, *, by, reason: str, now) -> None:
    """What simple-history sends after saving a history row, for the row just copied: the
    audit trail indexes it as it indexes any save's (and reads the row back to sign it)."""
    history = _history()
    values = {f.attname: getattr(payment, f.attname) for f in history.tracked_fields}
    row = history(
        history_id=history_id,
        history_date=now,
        history_type="~",
        history_user_id=by.pk,
        history_change_reason=reason,
        **values,
    )
    post_create_historical_record.send(
        sender=history,
        instance=payment,
        history_instance=row,
        history_date=now,
        history_user=by,
        history_change_reason=reason,
        using=router.db_for_write(Payment),
    )


__all__ = ["Granted", "write_approvals"]
