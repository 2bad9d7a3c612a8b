"""Writing the ChangeEntry of each new history row, in the writer's transaction."""

import functools

from django.db import connection, transaction
from django.db.models import Max

from core.prepared import prepared_cursor

from ..models import ChangeEntry, HistoryColumns
from ..registry import OrganisationResolver, Tracked
from .digests import ENTRY_FIELDS, entry_text, join_entry_text
from .fastread import NULL, CanonicalReader, fetch
from .keys import _key, _mac, current_key_id
from .sealing import schedule_seal


def _m2m_rows(tracked: Tracked, history_ids: list) -> dict:
    """history_id → list of (field name, related id) for the m2m history rows of those rows."""
    result: dict = {}
    for name, m2m_model, other in tracked.m2m:
        for history_id, related_id in (
            m2m_model.objects.filter(history_id__in=history_ids)
            .order_by()
            .values_list("history_id", other)
        ):
            result.setdefault(history_id, []).append((name, related_id))
    return result


def _read_rows(tracked: Tracked, history_ids: list) -> list[dict]:
    return list(
        tracked.history_model._default_manager.filter(history_id__in=history_ids)
        .order_by("history_id")
        .values(*tracked.columns)
    )


def _organisation_in_memory(instance) -> tuple[object, str] | None:
    """(id, path) of the live record's organisation when it is already loaded (a service that
    locked the record with its organisation): no query to find the path again."""
    field = getattr(getattr(instance, "_meta", None), "get_field", None)
    try:
        relation = field("organisation") if field else None
    except Exception:  # noqa: BLE001 — FieldDoesNotExist: the record has no organisation
        return None
    if relation is None or not relation.is_relation or not relation.is_cached(instance):
        return None
    organisation = relation.get_cached_value(instance)
    path = getattr(organisation, "path", None)
    return (organisation.pk, path) if organisation is not None and path else None


def record_history_rows(tracked: Tracked, history_ids: list) -> None:
    """Write the ChangeEntry of each history row of a bulk write (read back from the database,
    so the digest is computed from exactly what verification will read)."""
    if not history_ids:
        return
    m2m = _m2m_rows(tracked, history_ids) if tracked.m2m else {}
    pk = tracked.pk_attname
    history = tracked.history_model._default_manager
    rows = _read_rows(tracked, history_ids)
    first_new = min(r["history_id"] for r in rows)
    prev = dict(
        history.filter(**{f"{pk}__in": {r[pk] for r in rows}}, history_id__lt=first_new)
        .order_by()
        .values(pk)
        .annotate(last=Max("history_id"))
        .values_list(pk, "last")
    )
    resolver = OrganisationResolver()
    resolver.prefetch_paths(rows)
    key, kid = _key(), current_key_id()
    columns = column_set(tracked)
    entries = []
    for row in rows:
        organisation_id, path = resolver.resolve(tracked, row)
        values = {
            "model": tracked.label,
            "object_id": str(row[pk]),
            "history_id": row["history_id"],
            "prev_history_id": prev.get(row[pk]),
            "kind": row["history_type"],
            "at": row["history_date"],
            "user_id": row["history_user_id"],
            "organisation_id": organisation_id,
            "organisation_path": path,
            "reason": row["history_change_reason"] or "",
            "columns_id": columns.pk,
            "key_id": kid,
        }
        digest = _mac(entry_text(values, row, m2m.get(row["history_id"], []), columns.names), key)
        entries.append(ChangeEntry(digest=digest, **values))
        prev[row[pk]] = row["history_id"]  # a bulk may hold several rows of one record
    ChangeEntry.objects.bulk_create(entries, batch_size=1000)
    schedule_seal()


class _SingleRow:
    """The SQL that reads one new history row back, per model: the row as verification reads it
    (canonical text, `fastread`) and the id of the record's history row before it, in one
    statement built once (the ORM spent more time compiling that query than the database took
    to run it)."""

    def __init__(self, tracked: Tracked):
        reader = CanonicalReader(tracked.history_model, tracked.columns)
        quote = connection.ops.quote_name
        fields = {f.attname: f for f in tracked.history_model._meta.concrete_fields}
        table, pk = reader.table, quote(str(fields[tracked.pk_attname].column))
        self.sql = (
            f"SELECT (SELECT MAX(p.history_id) FROM {table} p "  # noqa: S608 — our own table
            f"WHERE p.{pk} = {table}.{pk} AND p.history_id < {table}.history_id), "
            f"{reader.select} FROM {table} WHERE history_id = %s"
        )
        self.reader = reader
        at = reader.index
        self.identity = [at[name] for name in ("history_id", "history_type", "history_date")]
        self.user, self.reason = at["history_user_id"], at["history_change_reason"]
        self.layouts: dict[int, list[str]] = {}

    def named_values(self, columns: HistoryColumns, row: list) -> list[str]:
        """["name=value", …] of the entry's column set, as verification builds them."""
        at = self.reader.index
        return [f"{name}={row[at[name]]}" for name in columns.names]


_ENTRY_COLUMNS = (*ENTRY_FIELDS, "columns_id", "key_id", "digest", "chain_digest")


_ENTRY_FIELDS = {f.attname: f for f in ChangeEntry._meta.concrete_fields}


def _prep(name: str):
    field = _ENTRY_FIELDS[name]
    return lambda value: field.get_db_prep_save(value, connection)


_ENTRY_PREP = [(name, _prep(name)) for name in _ENTRY_COLUMNS]


@functools.cache
def _insert_sql() -> str:
    """The entry's INSERT, built once: the ORM's bulk_create compiled it again on every save
    (about a millisecond of Python on the request path)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(_ENTRY_FIELDS[n].column)) for n in _ENTRY_COLUMNS)
    marks = ", ".join(["%s"] * len(_ENTRY_COLUMNS))
    return f"INSERT INTO {quote(ChangeEntry._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608


@functools.cache
def _single_row(tracked: Tracked) -> _SingleRow:
    return _SingleRow(tracked)


def record_history_row(tracked: Tracked, history_instance, instance=None) -> None:
    """Write the ChangeEntry of the history row a save just wrote.

    The digest covers the row as read back in canonical text, with the reader verification uses,
    so writer and verifier agree by construction; the entry's own copies of the row's identity
    (time, user, kind, reason) are the in-memory values the history row was written from."""
    reading = _single_row(tracked)
    history_id = history_instance.history_id
    raw = fetch(reading.sql, (history_id,), prepare=True)
    previous, row = raw[0][0], reading.reader.convert_row(raw[0][1:])
    resolver = OrganisationResolver()
    known = _organisation_in_memory(instance) if instance is not None else None
    if known is not None:
        resolver.remember_path(*known)
    organisation_id, path = resolver.resolve(
        tracked, {name: getattr(history_instance, name, None) for name in tracked.columns}
    )
    key, kid = _key(), current_key_id()
    columns = column_set(tracked)
    object_id = str(getattr(history_instance, tracked.pk_attname))
    reason = row[reading.reason]
    canonical_entry = {
        "model": tracked.label,
        "object_id": object_id,
        "history_id": row[reading.identity[0]],
        "prev_history_id": NULL if previous is None else str(previous),
        "kind": row[reading.identity[1]],
        "at": row[reading.identity[2]],
        "user_id": row[reading.user],
        "organisation_id": NULL if organisation_id is None else str(organisation_id),
        "organisation_path": path,
        "reason": "" if reason == NULL else reason,
    }
    m2m = _m2m_rows(tracked, [history_id]).get(history_id, []) if tracked.m2m else []
    text = join_entry_text(
        [canonical_entry[name] for name in ENTRY_FIELDS],
        columns.pk,
        kid,
        reading.named_values(columns, row),
        m2m,
    )
    values = {
        "model": tracked.label,
        "object_id": object_id,
        "history_id": history_id,
        "prev_history_id": previous,
        "kind": history_instance.history_type,
        "at": history_instance.history_date,
        "user_id": history_instance.history_user_id,
        "organisation_id": organisation_id,
        "organisation_path": path,
        "reason": history_instance.history_change_reason or "",
        "columns_id": columns.pk,
        "key_id": kid,
        "digest": _mac(text, key),
        "chain_digest": "",
    }
    with prepared_cursor() as cursor:
        cursor.execute(_insert_sql(), [prep(values[name]) for name, prep in _ENTRY_PREP])
    schedule_seal()


_column_sets: dict[tuple[str, str], HistoryColumns] = {}
_committed: set[int] = set()


def column_set(tracked: Tracked) -> HistoryColumns:
    """The HistoryColumns row of the model's current history columns (cached per process).

    A cached row is trusted without a query once a transaction that used it has committed; until
    then it is checked, since it may have been created in a transaction later rolled back (and
    its id reused)."""
    key = (tracked.label, ",".join(tracked.columns))
    found = _column_sets.get(key)
    if found is not None and found.pk in _committed:
        return found
    if (
        found is None
        or not HistoryColumns.objects.filter(pk=found.pk, model=key[0], columns=key[1]).exists()
    ):
        found, _created = HistoryColumns.objects.get_or_create(model=key[0], columns=key[1])
        _column_sets[key] = found
    pk = found.pk
    transaction.on_commit(lambda: _committed.add(pk))
    return found


def forget_column_sets(**kwargs) -> None:
    """After a flush or migrate (post_migrate) the cached rows may be gone."""
    _column_sets.clear()
    _committed.clear()
