"""Recomputing everything: row digests, entries against history rows, both chains, and drift
of the live rows from their history."""

from collections.abc import Iterator

from ..models import AccessLog, ChainHead, ChangeEntry, HistoryColumns
from ..registry import Tracked, tracked_models
from .digests import ACCESS_FIELDS, ENTRY_FIELDS, access_text, entry_text
from .drift import drift_problems
from .entries import _m2m_rows
from .keys import CHAIN_ACCESS, CHAIN_CHANGES, CHUNK, _key, _mac, current_key_id, keyring
from .rows import Problem
from .rows import chunks as _chunks
from .sealing import chain_link, seal_pending


class _Keys:
    """The configured keys. A row signed by a key that is not configured is reported once per
    key id as a key mismatch (a configuration problem), not row by row as tampering."""

    def __init__(self) -> None:
        self.ring = keyring()
        self.current = _key()
        self.reported: set[str] = set()

    def get(self, kid: str) -> bytes | None:
        return self.ring.get(kid) if kid else self.current

    def mismatch(self, what: str, ident: str, kid: str) -> Iterator[Problem]:
        if kid not in self.reported:
            self.reported.add(kid)
            yield Problem(
                what,
                ident,
                f"key mismatch：由密钥 {kid} 签名，而当前密钥为 {current_key_id()}，"
                "且 AUDIT_CHAIN_OLD_KEYS 中没有它（密钥配置错误，不是篡改的证据）",
            )


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
            ("id", "digest", "chain_seq", "columns_id", "key_id", *ENTRY_FIELDS),
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


def _history_problems(tracked: Tracked, keys: _Keys) -> Iterator[Problem]:
    pk = tracked.pk_attname
    pending: list[tuple[dict, dict]] = []

    column_sets = {c.pk: c.names for c in HistoryColumns.objects.filter(model=tracked.label)}

    def check(batch):
        m2m = _m2m_rows(tracked, [r["history_id"] for r, _e in batch]) if tracked.m2m else {}
        for row, entry in batch:
            problem = None
            key = keys.get(entry["key_id"])
            if key is None:
                yield from keys.mismatch(
                    tracked.label, f"history_id={row['history_id']}", entry["key_id"]
                )
                continue
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


def _orphan_entries() -> Iterator[Problem]:
    """Entries naming a model that no longer keeps history (or a forged model label)."""
    known = set(tracked_models())
    for label in ChangeEntry.objects.order_by().values_list("model", flat=True).distinct():
        if label not in known:
            first = (
                ChangeEntry.objects.filter(model=label).order_by("id").values_list("pk", flat=True)
            )
            yield Problem(label, f"entry={first[0]}", "变更索引指向未知的记录类型")


def _access_problems(keys: _Keys) -> Iterator[Problem]:
    columns = ("id", "digest", "key_id", *ACCESS_FIELDS)
    for chunk in _chunks(AccessLog.objects.all(), "id", columns):
        for values in chunk:
            key = keys.get(values["key_id"])
            if key is None:
                yield from keys.mismatch("audits.accesslog", f"id={values['id']}", values["key_id"])
            elif values["digest"] != _mac(access_text(values), key):
                yield Problem(
                    "audits.accesslog", f"id={values['id']}", "内容摘要不符（访问日志被改动或伪造）"
                )


def _chain_problems(name: str, model, keys: _Keys) -> Iterator[Problem]:
    label = "audits.changeentry" if model is ChangeEntry else "audits.accesslog"
    describe = (
        (lambda r: f"{r['model']} history_id={r['history_id']}")
        if model is ChangeEntry
        else (lambda r: f"audits.accesslog id={r['id']}")
    )
    columns: tuple[str, ...] = ("id", "digest", "key_id", "chain_seq", "chain_digest")
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
            key = keys.get(r["key_id"])
            if key is None:
                yield from keys.mismatch(f"{label} chain", f"seq={expected}", r["key_id"])
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
    keys = _Keys()
    for _label, tracked in sorted(tracked_models().items()):
        yield from _history_problems(tracked, keys)
    yield from _orphan_entries()
    yield from _chain_problems(CHAIN_CHANGES, ChangeEntry, keys)
    yield from _access_problems(keys)
    yield from _chain_problems(CHAIN_ACCESS, AccessLog, keys)
    # Last: drift is often the consequence of a problem above (a removed history row).
    for _label, tracked in sorted(tracked_models().items()):
        yield from drift_problems(tracked)


def history_tables() -> list[str]:
    tables = []
    for tracked in tracked_models().values():
        tables.append(tracked.history_model._meta.db_table)
        tables += [m2m._meta.db_table for _n, m2m, _o in tracked.m2m]
    return tables
