"""What a digest covers: the canonical text of a change entry with its history row, and of an
access-log row. Changing these functions changes every digest, so they live apart."""

from collections.abc import Iterable

from ..models import AccessLog
from ..registry import canonical
from .keys import SEP, _key, _mac, current_key_id

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
    names = sorted(row) if columns is None else columns
    return join_entry_text(
        [canonical(entry[name]) for name in ENTRY_FIELDS],
        entry.get("columns_id"),
        entry.get("key_id"),
        [name + "=" + canonical(row[name]) for name in names],
        m2m_rows,
    )


def join_entry_text(
    entry_values: list[str] | tuple[str, ...],
    columns_id: object,
    key_id: str | None,
    named_values: list[str],
    m2m_rows: Iterable[tuple],
) -> str:
    """`entry_text` from values already in canonical form (ENTRY_FIELDS' values in order, and
    "name=value" per history column): what verification builds from its fast reads."""
    parts = list(entry_values)
    if columns_id is not None:
        parts.append(f"columns={columns_id}")
    if key_id:
        parts.append(f"key={key_id}")
    parts += named_values
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
    parts = [canonical(values[name]) for name in ACCESS_FIELDS]
    if values.get("key_id"):
        parts.append(f"key={values['key_id']}")
    return SEP.join(parts)


def sign_access_log(log: AccessLog) -> None:
    """Set the row's key id and digest (before its INSERT)."""
    log.key_id = current_key_id()
    values = {name: getattr(log, name) for name in (*ACCESS_FIELDS, "key_id")}
    log.digest = _mac(access_text(values), _key())


def access_digest(log: AccessLog) -> str:
    values = {name: getattr(log, name) for name in (*ACCESS_FIELDS, "key_id")}
    return _mac(access_text(values))
