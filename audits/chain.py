"""Tamper evidence: per-row digests, the chain that links them, and its verification.

Scheme
- Every history row of every tracked model gets one `ChangeEntry`, written in the same
  transaction (signal, or right after a bulk history insert). The entry's `digest` is an HMAC,
  keyed with a secret the database does not hold (settings.AUDIT_CHAIN_KEY, else SECRET_KEY),
  over the entry's own fields, every column of the history row and its m2m history rows.
  Every `AccessLog` row gets the same kind of digest over its content.
- A single sealer at a time (it locks the `ChainHead` row) links unsealed rows in id order:
  `chain_digest = HMAC(previous chain_digest | seq | digest)`. Writers never wait for the chain:
  the lock is taken after their commit (on_commit) or by `verify_audit`, so domain
  transactions cannot deadlock on it, and rows committed late are simply sealed later.
- `verify_audit` recomputes all of it: a changed history or log row breaks its digest, a
  removed one leaves an entry without its row (or a gap in the chain), a forged row has no entry
  or an entry whose digest the forger could not compute.
"""

import hashlib
import hmac
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from .models import AccessLog, ChainHead, ChangeEntry, HistoryColumns
from .registry import OrganisationResolver, Tracked, canonical, tracked_models

CHUNK = 5000
CHAIN_CHANGES = "change"
CHAIN_ACCESS = "access"
SEP = "\x1f"


def _key() -> bytes:
    key = getattr(settings, "AUDIT_CHAIN_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(("relief-audit:" + key).encode()).digest()


def _mac(text: str, key: bytes | None = None) -> str:
    return hmac.new(key or _key(), text.encode(), hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- row digests


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


# ---------------------------------------------------------------- writing entries


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


def record_history_rows(tracked: Tracked, history_ids: list, *, single: bool = False) -> None:
    """Write the ChangeEntry of each history row (read back from the database, so the digest is
    computed from exactly what verification will read)."""
    if not history_ids:
        return
    rows = _read_rows(tracked, history_ids)
    m2m = _m2m_rows(tracked, history_ids) if tracked.m2m else {}
    pk = tracked.pk_attname
    history = tracked.history_model._default_manager
    if single:
        row = rows[0]
        prev = {
            row[pk]: history.filter(**{pk: row[pk]}, history_id__lt=row["history_id"])
            .order_by("-history_id")
            .values_list("history_id", flat=True)
            .first()
        }
    else:
        from django.db.models import Max

        first_new = min(r["history_id"] for r in rows)
        prev = dict(
            history.filter(**{f"{pk}__in": {r[pk] for r in rows}}, history_id__lt=first_new)
            .order_by()
            .values(pk)
            .annotate(last=Max("history_id"))
            .values_list(pk, "last")
        )
    resolver = OrganisationResolver()
    key = _key()
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
        }
        digest = _mac(entry_text(values, row, m2m.get(row["history_id"], []), columns.names), key)
        entries.append(ChangeEntry(digest=digest, **values))
        prev[row[pk]] = row["history_id"]  # a bulk may hold several rows of one record
    ChangeEntry.objects.bulk_create(entries, batch_size=1000)
    schedule_seal()


_column_sets: dict[tuple[str, str], HistoryColumns] = {}


def column_set(tracked: Tracked) -> HistoryColumns:
    """The HistoryColumns row of the model's current history columns (cached per process)."""
    key = (tracked.label, ",".join(tracked.columns))
    found = _column_sets.get(key)
    # The check also catches a cached row rolled back (tests) and its id reused.
    if (
        found is None
        or not HistoryColumns.objects.filter(pk=found.pk, model=key[0], columns=key[1]).exists()
    ):
        found, _created = HistoryColumns.objects.get_or_create(model=key[0], columns=key[1])
        _column_sets[key] = found
    return found


# ---------------------------------------------------------------- sealing


def _seal_after_commit() -> None:
    try:
        seal_pending()
    except Exception:  # noqa: BLE001 — sealing is retried by the next writer or verify_audit
        import logging

        logging.getLogger(__name__).exception("audit sealing failed; will retry")


def schedule_seal() -> None:
    """Seal what this transaction wrote once it commits (once per transaction)."""
    conn = transaction.get_connection()
    if conn.in_atomic_block and any(
        callback is _seal_after_commit for _sids, callback, _robust in conn.run_on_commit
    ):
        return
    transaction.on_commit(_seal_after_commit)


def _head(name: str) -> ChainHead:
    ChainHead.objects.get_or_create(name=name)
    return ChainHead.objects.select_for_update().get(name=name)


def chain_link(previous: str, seq: int, digest: str, key: bytes | None = None) -> str:
    return _mac(f"{previous}{SEP}{seq}{SEP}{digest}", key)


def seal_pending(limit: int | None = None) -> int:
    """Link every unsealed entry and access-log row into its chain. Returns how many."""
    sealed = 0
    key = _key()
    chains: tuple[tuple[str, type[ChangeEntry] | type[AccessLog]], ...] = (
        (CHAIN_CHANGES, ChangeEntry),
        (CHAIN_ACCESS, AccessLog),
    )
    for name, model in chains:
        while True:
            with transaction.atomic():
                head = _head(name)
                # ChangeEntry or AccessLog rows: both carry digest, chain_seq and chain_digest.
                batch: list[Any] = list(
                    model.objects.filter(chain_seq__isnull=True)
                    .order_by("id")
                    .only("id", "digest")[:CHUNK]
                )
                if not batch:
                    break
                for row in batch:
                    head.seq += 1
                    head.digest = chain_link(head.digest, head.seq, row.digest, key)
                    row.chain_seq = head.seq
                    row.chain_digest = head.digest
                model.objects.bulk_update(batch, ["chain_seq", "chain_digest"], batch_size=500)
                head.save(update_fields=["seq", "digest"])
                sealed += len(batch)
            if limit is not None and sealed >= limit:
                return sealed
    return sealed


# ---------------------------------------------------------------- verification


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
    from django.db import connection

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


def _chunks(queryset, order: str, columns: tuple[str, ...]) -> Iterator[list[dict]]:
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


def _merge(tracked: Tracked) -> Iterator[tuple[dict | None, dict | None]]:
    """Pairs (history row, entry) in history_id order; either side may be missing."""
    rows = (
        row
        for chunk in _chunks(
            tracked.history_model._default_manager.all(), "history_id", tracked.columns
        )
        for row in chunk
    )
    entries = (
        e
        for chunk in _chunks(
            ChangeEntry.objects.filter(model=tracked.label),
            "history_id",
            ("id", "digest", "chain_seq", "columns_id", *ENTRY_FIELDS),
        )
        for e in chunk
    )
    row, entry = next(rows, None), next(entries, None)
    while row is not None or entry is not None:
        if entry is None or (row is not None and row["history_id"] < entry["history_id"]):
            yield row, None
            row = next(rows, None)
        elif row is None or entry["history_id"] < row["history_id"]:
            yield None, entry
            entry = next(entries, None)
        else:
            yield row, entry
            row, entry = next(rows, None), next(entries, None)


def _history_problems(tracked: Tracked, key: bytes) -> Iterator[Problem]:
    pk = tracked.pk_attname
    pending: list[tuple[dict, dict]] = []

    column_sets = {c.pk: c.names for c in HistoryColumns.objects.filter(model=tracked.label)}

    def check(batch):
        m2m = _m2m_rows(tracked, [r["history_id"] for r, _e in batch]) if tracked.m2m else {}
        for row, entry in batch:
            problem = None
            names = column_sets.get(entry["columns_id"]) if entry["columns_id"] else None
            if entry["columns_id"] and names is None:
                problem = "变更索引的字段集记录缺失（被删除）"
            elif names is not None and not set(names) <= row.keys():
                missing = ", ".join(sorted(set(names) - row.keys()))
                problem = f"历史表已没有当时记录的字段：{missing}"
            elif (
                entry["object_id"] != str(row[pk])
                or entry["kind"] != row["history_type"]
                or entry["at"] != row["history_date"]
                or entry["user_id"] != row["history_user_id"]
                or entry["reason"] != (row["history_change_reason"] or "")
            ):
                problem = "历史记录与变更索引不一致（记录被改动）"
            elif entry["digest"] != _mac(
                entry_text(entry, row, m2m.get(row["history_id"], []), names), key
            ):
                problem = "内容摘要不符（历史记录被改动）"
            if problem:
                yield Problem(tracked.label, f"history_id={row['history_id']}", problem)

    for row, entry in _merge(tracked):
        if entry is None:
            assert row is not None  # _merge never yields two Nones
            yield Problem(
                tracked.label,
                f"history_id={row['history_id']}",
                "历史记录没有审计索引（在应用之外插入或伪造）",
            )
        elif row is None:
            yield Problem(
                tracked.label,
                f"history_id={entry['history_id']}",
                f"历史记录已被删除（记录 {entry['object_id']}）",
            )
        else:
            pending.append((row, entry))
            if len(pending) >= CHUNK:
                yield from check(pending)
                pending = []
    if pending:
        yield from check(pending)


def _orphan_entries(key: bytes) -> Iterator[Problem]:
    """Entries naming a model that no longer keeps history (or a forged model label)."""
    known = set(tracked_models())
    for label in ChangeEntry.objects.order_by().values_list("model", flat=True).distinct():
        if label not in known:
            first = (
                ChangeEntry.objects.filter(model=label).order_by("id").values_list("pk", flat=True)
            )
            yield Problem(label, f"entry={first[0]}", "变更索引指向未知的记录类型")


def _access_problems(key: bytes) -> Iterator[Problem]:
    for chunk in _chunks(AccessLog.objects.all(), "id", ("id", "digest", *ACCESS_FIELDS)):
        for values in chunk:
            if values["digest"] != _mac(access_text(values), key):
                yield Problem(
                    "audits.accesslog", f"id={values['id']}", "内容摘要不符（访问日志被改动或伪造）"
                )


def _chain_problems(name: str, model, key: bytes) -> Iterator[Problem]:
    label = "audits.changeentry" if model is ChangeEntry else "audits.accesslog"
    describe = (
        (lambda r: f"{r['model']} history_id={r['history_id']}")
        if model is ChangeEntry
        else (lambda r: f"audits.accesslog id={r['id']}")
    )
    columns: tuple[str, ...] = ("id", "digest", "chain_seq", "chain_digest")
    if model is ChangeEntry:
        columns += ("model", "history_id")
    previous, expected = "", 1
    for chunk in _chunks(
        model._default_manager.filter(chain_seq__isnull=False), "chain_seq", columns
    ):
        for r in chunk:
            if r["chain_seq"] != expected:
                yield Problem(
                    f"{label} chain",
                    f"seq={expected}",
                    f"链中缺少第 {expected}–{r['chain_seq'] - 1} 条（已被删除），"
                    f"下一条为 {describe(r)}",
                )
                return
            if r["chain_digest"] != chain_link(previous, expected, r["digest"], key):
                yield Problem(
                    f"{label} chain", f"seq={expected}", f"链摘要不符：{describe(r)} 被改动"
                )
                return
            previous, expected = r["chain_digest"], expected + 1
    head = ChainHead.objects.filter(name=name).first()
    last = expected - 1
    if head is not None and (head.seq != last or head.digest != previous):
        yield Problem(
            f"{label} chain",
            f"seq={last + 1}",
            f"链尾与链头不符（链头 {head.seq}，实有 {last}）：末尾记录被删除",
        )


def verify(*, seal: bool = True) -> Iterator[Problem]:
    """Every problem found, history tables first (in model order), then the access log."""
    if seal:
        seal_pending()
    key = _key()
    for _label, tracked in sorted(tracked_models().items()):
        yield from _history_problems(tracked, key)
    yield from _orphan_entries(key)
    yield from _chain_problems(CHAIN_CHANGES, ChangeEntry, key)
    yield from _access_problems(key)
    yield from _chain_problems(CHAIN_ACCESS, AccessLog, key)


def history_tables() -> list[str]:
    tables = []
    for tracked in tracked_models().values():
        tables.append(tracked.history_model._meta.db_table)
        tables += [m2m._meta.db_table for _n, m2m, _o in tracked.m2m]
    return tables
