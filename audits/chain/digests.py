"""What a digest covers: the canonical text of a change entry with its history row, and of an
access-log row. Changing these functions changes every digest, so they live apart."""

from collections.abc import Iterable

from ..models import AccessLog
from ..registry import canonical
from .keys import SEP, _mac

ENTRY_FIELDS = (
    "model",
    "object_id",
    "history_id",
    "prev_history_id",
    "kind",
    "at",
    "user_id",
    "organisation_id",
    "organisation_path",
    "reason",
)


def entry_text(
    entry: dict, row: dict, m2m_rows: Iterable[tuple], columns: list[str] | None = None
) -> str:
    """The text an entry's digest covers: its own fields, the history row's columns (by name,
    so the order of the SELECT does not matter; only the entry's recorded column set, so a
    column added later is not part of older rows' digests) and the history row's m2m rows."""
    parts = [canonical(entry[name]) for name in ENTRY_FIELDS]
    if entry.get("columns_id") is not None:
        parts.append(f"columns={entry['columns_id']}")
    names = sorted(row) if columns is None else columns
    parts += [name + "=" + canonical(row[name]) for name in names]
    if m2m_rows:
        parts += [SEP.join(canonical(v) for v in m2m) for m2m in sorted(m2m_rows, key=repr)]
    return SEP.join(parts)


ACCESS_FIELDS = (
    "at",
    "user_id",
    "username",
    "action",
    "object_type",
    "object_id",
    "field",
    "detail",
    "ip_address",
)


def access_text(values: dict) -> str:
    return SEP.join(canonical(values[name]) for name in ACCESS_FIELDS)


def access_digest(log: AccessLog) -> str:
    values = {name: getattr(log, name) for name in ACCESS_FIELDS}
    return _mac(access_text(values))
