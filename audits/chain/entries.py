"""Writing the ChangeEntry of each new history row, in the writer's transaction."""

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery

from ..models import ChangeEntry, HistoryColumns
from ..registry import OrganisationResolver, Tracked
from .digests import entry_text
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


def _read_row_and_previous(tracked: Tracked, history_id) -> tuple[dict, object]:
    """One history row and the id of the record's history row before it, in one query."""
    pk = tracked.pk_attname
    history = tracked.history_model._default_manager
    before = history.filter(**{pk: OuterRef(pk)}, history_id__lt=OuterRef("history_id"))
    row = (
        history.filter(history_id=history_id)
        .annotate(_previous=Subquery(before.order_by("-history_id").values("history_id")[:1]))
        .values(*tracked.columns, "_previous")
        .get()
    )
    return row, row.pop("_previous")


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


def record_history_rows(
    tracked: Tracked, history_ids: list, *, single: bool = False, instance=None
) -> None:
    """Write the ChangeEntry of each history row (read back from the database, so the digest is
    computed from exactly what verification will read)."""
    if not history_ids:
        return
    m2m = _m2m_rows(tracked, history_ids) if tracked.m2m else {}
    pk = tracked.pk_attname
    history = tracked.history_model._default_manager
    if single:
        row, previous = _read_row_and_previous(tracked, history_ids[0])
        rows, prev = [row], {row[pk]: previous}
    else:
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
    known = _organisation_in_memory(instance) if instance is not None else None
    if known is not None:
        resolver.remember_path(*known)
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
    schedule_seal(rows=entries)


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
