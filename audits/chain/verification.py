"""Recomputing everything: row digests, entries against history rows, both chains, and drift
of the live rows from their history."""

from collections.abc import Callable, Iterator
from operator import itemgetter
from typing import Any

from django.db import connection
from django.db.models import Min, Q

from ..models import AccessLog, ChainHead, ChangeEntry, HistoryColumns
from ..registry import Tracked, tracked_models
from .digests import ACCESS_FIELDS, ENTRY_FIELDS, join_entry_text
from .drift import drift_problems, drifted
from .entries import _m2m_rows
from .fastread import NULL, CanonicalReader
from .fastverify import ChainPass, PassResult, eligible, verified_chain_prefix
from .keys import CHAIN_ACCESS, CHAIN_CHANGES, CHUNK, SEP, _key, current_key_id, keyed, keyring
from .position import Position
from .rows import Problem
from .sealing import seal_pending


class _Keys:
    """The configured keys. A row signed by a key that is not configured is reported once per
    key id as a key mismatch (a configuration problem), not row by row as tampering."""

    def __init__(self) -> None:
        self.ring = keyring()
        self.current = _key()
        self.reported: set[str] = set()

        self.macs: dict[str, Callable[[str], str] | None] = {}
        self.states: dict[str, Any] = {}

    def get(self, kid: str) -> bytes | None:
        return self.ring.get(kid) if kid else self.current

    def mac(self, kid: str) -> Callable[[str], str] | None:
        """The MAC function of key `kid` (None: not configured): `hmac.digest`, OpenSSL's one-shot
        HMAC, several times cheaper per row than an `hmac.new` object."""
        if kid not in self.macs:
            key = self.get(kid)
            if key is None:
                self.macs[kid] = None
            else:
                state = keyed(key)

                def mac(text: str, state=state) -> str:
                    copy = state.copy()
                    copy.update(text.encode())
                    return copy.hexdigest()

                self.macs[kid] = mac
        return self.macs[kid]

    def keyed(self, kid: str):
        """The keyed HMAC state of key `kid` (None: not configured), to copy per row."""
        if kid not in self.states:
            key = self.get(kid)
            self.states[kid] = None if key is None else keyed(key)
        return self.states[kid]

    def failing(self, rows: list[tuple]) -> list[int]:
        """The ids of rows (id, digest, key id, text) whose digest is not the MAC of their text
        (or whose key is not configured, or that have no text): the hot loop of a full
        verification, kept to a few C calls per row."""
        failed = []
        last_kid, base = None, None
        for ident, digest, kid, text in rows:
            if kid != last_kid or base is None:
                last_kid, base = kid, self.keyed(kid)
            if base is None or text is None:
                failed.append(ident)
                continue
            mac = base.copy()
            mac.update(text.encode())
            if mac.hexdigest() != digest:
                failed.append(ident)
        return failed

    def mismatch(self, what: str, ident: str, kid: str) -> Iterator[Problem]:
        if kid not in self.reported:
            self.reported.add(kid)
            yield Problem(
                what,
                ident,
                f"key mismatch：由密钥 {kid} 签名，而当前密钥为 {current_key_id()}，"
                "且 AUDIT_CHAIN_OLD_KEYS 中没有它（密钥配置错误，不是篡改的证据）",
            )


def _flat(chunks: Iterator[list]) -> Iterator[tuple]:
    for chunk in chunks:
        yield from chunk


def _merge(
    tracked: Tracked, after: int | None, ids: list[int] | None = None
) -> Iterator[tuple[tuple | None, tuple | None]]:
    """Pairs (history row, entry) in history_id order after `after` (or of the history ids
    `ids`, sorted); either may be missing. Both are tuples of canonical text with the raw
    history_id first."""
    if ids is not None:
        rows = _flat(_by_ids(_row_reader(tracked), ids))
        entries = _flat(_by_ids(_entry_reader(), ids, f"{_quote('model')} = %s", (tracked.label,)))
    else:
        rows = _flat(_row_reader(tracked).chunks("history_id", after=after))
        entries = _flat(
            _entry_reader().chunks(
                "history_id", after=after, where=f"{_quote('model')} = %s", params=(tracked.label,)
            )
        )
    row, entry = next(rows, None), next(entries, None)
    while row is not None or entry is not None:
        if entry is None or (row is not None and row[0] < entry[0]):
            yield row, None
            row = next(rows, None)
        elif row is None or entry[0] < row[0]:
            yield None, entry
            entry = next(entries, None)
        else:
            yield row, entry
            row, entry = next(rows, None), next(entries, None)


def _by_ids(
    reader: CanonicalReader, ids: list[int], where: str = "", params: tuple = ()
) -> Iterator[list]:
    """The rows of `reader` with history ids `ids` (sorted), in history_id order."""
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        condition = f"{_quote('history_id')} IN ({', '.join(['%s'] * len(part))})"
        yield from reader.chunks(
            "history_id",
            where=f"{where} AND {condition}" if where else condition,
            params=params + tuple(part),
        )


def _quote(name: str) -> str:
    from django.db import connection

    return connection.ops.quote_name(name)


_ENTRY_COLUMNS = ("digest", "key_id", "columns_id", *ENTRY_FIELDS)
_E_DIGEST, _E_KEY, _E_COLUMNS = 1, 2, 3
_E = {name: n + 4 for n, name in enumerate(ENTRY_FIELDS)}


def _entry_reader() -> CanonicalReader:
    return CanonicalReader(ChangeEntry, _ENTRY_COLUMNS)


def _row_reader(tracked: Tracked) -> CanonicalReader:
    return CanonicalReader(tracked.history_model, tracked.columns)


class _RowCheck:
    """Checks (history row, entry) pairs of one model: the entry agrees with its row and its
    digest is the MAC of both (with the m2m rows)."""

    def __init__(self, tracked: Tracked, keys: _Keys):
        self.tracked, self.keys = tracked, keys
        index = _row_reader(tracked).index
        at = {name: n + 1 for name, n in index.items()}  # +1: the raw history_id comes first
        self.at = at
        # The entry's copies of the row's identity, compared as tuples (itemgetter: in C).
        self.entry_same = itemgetter(_E["object_id"], _E["kind"], _E["at"], _E["user_id"])
        self.row_same = itemgetter(
            at[tracked.pk_attname], at["history_type"], at["history_date"], at["history_user_id"]
        )
        self.reason = at["history_change_reason"]
        self.entry_fields = itemgetter(*(_E[name] for name in ENTRY_FIELDS))
        # columns_id → [("name=", row index)], or the names (a tuple) when some are gone.
        self.layouts: dict[str, list | tuple] = {NULL: self._layout(tracked.columns)}
        for pk, columns in HistoryColumns.objects.filter(model=tracked.label).values_list(
            "pk", "columns"
        ):
            names = columns.split(",")
            self.layouts[str(pk)] = (
                self._layout(names) if set(names) <= index.keys() else tuple(names)
            )

    def _layout(self, names) -> list:
        """["name=value", …] of a row in one `str.format` call (a format string per layout)."""
        if not names:
            return []
        return [SEP.join(f"{name}={{{self.at[name]}}}" for name in names)]

    def problems(self, batch: list[tuple[tuple, tuple]]) -> Iterator[Problem]:
        tracked, keys = self.tracked, self.keys
        ids = [row[0] for row, _e in batch]
        m2m = _m2m_rows(tracked, ids) if tracked.m2m else {}
        for row, entry in batch:
            ident = f"history_id={row[0]}"
            mac = keys.mac(entry[_E_KEY])
            if mac is None:
                yield from keys.mismatch(tracked.label, ident, entry[_E_KEY])
                continue
            columns_id = entry[_E_COLUMNS]
            layout = self.layouts.get(columns_id)
            reason = row[self.reason]
            problem = None
            if layout is None:
                problem = "变更索引的字段集记录缺失（被删除）"
            elif isinstance(layout, tuple):
                missing = ", ".join(sorted(set(layout) - self.at.keys()))
                problem = f"历史表已没有当时记录的字段：{missing}"
            elif self.entry_same(entry) != self.row_same(row) or entry[_E["reason"]] != (
                "" if reason == NULL else reason
            ):
                problem = "历史记录与变更索引不一致（记录被改动）"
            else:
                text = join_entry_text(
                    self.entry_fields(entry),
                    None if columns_id == NULL else columns_id,
                    entry[_E_KEY],
                    [template.format(*row) for template in layout],
                    m2m.get(row[0], []),
                )
                if entry[_E_DIGEST] != mac(text):
                    problem = "内容摘要不符（历史记录被改动）"
            if problem:
                yield Problem(tracked.label, ident, problem)


def _history_problems(
    tracked: Tracked,
    keys: _Keys,
    after: int | None,
    fast: tuple[ChainPass, PassResult] | None,
) -> Iterator[Problem]:
    """On SQLite, the chain pass (`fastverify`) has checked the rows' digests: only the rows it
    could not vouch for, and rows without an entry, are read and checked one by one here;
    elsewhere, and for models the pass leaves out, every row is."""
    if fast is None or not eligible(tracked):
        yield from _checked(tracked, _RowCheck(tracked, keys), _merge(tracked, after))
        return
    chain_pass, result = fast
    suspects = result.suspects.get(tracked.label, []) + chain_pass.unindexed(tracked, after, result)
    if suspects:
        check = _RowCheck(tracked, keys)
        yield from _checked(tracked, check, _merge(tracked, after, sorted(set(suspects))))


def _checked(
    tracked: Tracked, check: "_RowCheck", pairs: Iterator[tuple[tuple | None, tuple | None]]
) -> Iterator[Problem]:
    pending: list[tuple[tuple, tuple]] = []
    for row, entry in pairs:
        if entry is None:
            assert row is not None  # _merge never yields two Nones
            yield Problem(
                tracked.label,
                f"history_id={row[0]}",
                "历史记录没有审计索引（在应用之外插入或伪造）",
            )
        elif row is None:
            yield Problem(
                tracked.label,
                f"history_id={entry[0]}",
                f"历史记录已被删除（记录 {entry[_E['object_id']]}）",
            )
        else:
            pending.append((row, entry))
            if len(pending) >= CHUNK:
                yield from check.problems(pending)
                pending = []
    if pending:
        yield from check.problems(pending)


def _new_entries(since: Position) -> Iterator[tuple[str, str, int, int]]:
    """(model, object_id, history_id, id) of the entries a run from `since` has not seen:
    sealed after it, or not sealed yet. Two queries, each walking its own index in order (the
    chain_seq one, the unsealed partial one); grouping them in SQL let SQLite's planner scan the
    whole entry table by its model index instead (0.9 s at a million entries)."""
    columns = ("model", "object_id", "history_id", "id")
    for new, order in (
        (Q(chain_seq__gt=since.change_seq), "chain_seq"),
        (Q(chain_seq__isnull=True), "id"),
    ):
        yield from ChangeEntry.objects.filter(new).order_by(order).values_list(*columns).iterator()


def _orphan_entries(since: Position | None) -> Iterator[Problem]:
    """Entries naming a model that no longer keeps history (or a forged model label)."""
    known = set(tracked_models())
    first: dict[str, int] = {}
    if since is None:
        for label in ChangeEntry.objects.order_by().values_list("model", flat=True).distinct():
            if label not in known:
                first[label] = (
                    ChangeEntry.objects.filter(model=label)
                    .order_by("id")
                    .values_list("pk", flat=True)[0]
                )
    else:
        for label, _object_id, _history_id, pk in _new_entries(since):
            if label not in known and pk < first.get(label, pk + 1):
                first[label] = pk
    for label, pk in first.items():
        yield Problem(label, f"entry={pk}", "变更索引指向未知的记录类型")


def _access_problems(keys: _Keys, after: int | None) -> Iterator[Problem]:
    reader = CanonicalReader(AccessLog, ("digest", "key_id", *ACCESS_FIELDS))
    for chunk in reader.chunks("id", after=after):
        for row in chunk:
            mac = keys.mac(row[2])
            if mac is None:
                yield from keys.mismatch("audits.accesslog", f"id={row[0]}", row[2])
                continue
            text = SEP.join([*row[3:], f"key={row[2]}"] if row[2] else row[3:])
            if row[1] != mac(text):
                yield Problem(
                    "audits.accesslog", f"id={row[0]}", "内容摘要不符（访问日志被改动或伪造）"
                )


def _chain_problems(
    name: str, model, keys: _Keys, start: tuple[int, str] = (0, "")
) -> Iterator[Problem]:
    """The chain from `start` (sequence number, chain digest there) to its head."""
    label = "audits.changeentry" if model is ChangeEntry else "audits.accesslog"
    columns: tuple[str, ...] = ("digest", "key_id", "chain_digest")
    if model is ChangeEntry:
        columns += ("model", "history_id")

    def describe(r: tuple) -> str:
        return f"{r[5]} history_id={r[6]}" if model is ChangeEntry else f"{label} id={r[1]}"

    start = verified_chain_prefix(model, keys, start)
    reader = CanonicalReader(model, ("id", *columns))
    previous, expected = start[1], start[0] + 1
    for chunk in reader.chunks(
        "chain_seq", after=start[0], where=f"{_quote('chain_seq')} IS NOT NULL"
    ):
        for seq, *rest in chunk:
            r = (seq, *rest)  # (seq, id, digest, key_id, chain_digest[, model, history_id])
            if seq != expected:
                yield Problem(
                    f"{label} chain",
                    f"seq={expected}",
                    f"链中缺少第 {expected}–{seq - 1} 条（已被删除），下一条为 {describe(r)}",
                )
                return
            mac = keys.mac(r[3])
            if mac is None:
                yield from keys.mismatch(f"{label} chain", f"seq={expected}", r[3])
                return
            if r[4] != mac(f"{previous}{SEP}{expected}{SEP}{r[2]}"):
                yield Problem(
                    f"{label} chain", f"seq={expected}", f"链摘要不符：{describe(r)} 被改动"
                )
                return
            previous, expected = r[4], expected + 1
    head = ChainHead.objects.filter(name=name).first()
    last = expected - 1
    if head is not None and (head.seq != last or head.digest != previous):
        yield Problem(
            f"{label} chain",
            f"seq={last + 1}",
            f"链尾与链头不符（链头 {head.seq}，实有 {last}）：末尾记录被删除",
        )


def _history_starts(since: Position | None) -> dict[str, int | None]:
    """Per model, the history id after which a run from `since` reads: after the last one it
    verified, or before the first row of an entry sealed since (a transaction that committed
    late), whichever is lower."""
    if since is None:
        return {}
    starts: dict[str, int | None] = {
        label: since.history.get(label) or None for label in tracked_models()
    }
    late: dict[str, int] = {}
    for label, _object_id, history_id, _pk in _new_entries(since):
        if history_id < late.get(label, history_id + 1):
            late[label] = history_id
    for label, first in late.items():
        start = starts.get(label)
        if start is not None and first <= start:
            starts[label] = first - 1 or None
    return starts


def _changed_records(since: Position) -> dict[str, list[int]]:
    """Per model, the records with a change since `since`: the only live rows an incremental
    run compares with their history (a full run compares every one)."""
    changed: dict[str, list[int]] = {}
    seen = set()
    for label, object_id, _history_id, _pk in _new_entries(since):
        if object_id.isdigit() and (label, object_id) not in seen:
            seen.add((label, object_id))
            changed.setdefault(label, []).append(int(object_id))
    return changed


def _access_start(since: Position | None) -> int | None:
    if since is None:
        return None
    firsts = [
        AccessLog.objects.filter(new).aggregate(first=Min("id"))["first"]
        for new in (Q(chain_seq__gt=since.access_seq), Q(chain_seq__isnull=True))
    ]
    late = min((first for first in firsts if first is not None), default=None)
    start = since.access_id if late is None else min(since.access_id, late - 1)
    return start or None


def verify(*, seal: bool = True, since: Position | None = None) -> Iterator[Problem]:
    """Every problem found, history tables first (in model order), then the access log.

    With `since` (a trusted `position.Position`), only what was added after it: history rows
    and entries after it, both chains from it, access-log rows after it, and the live rows of
    records changed since. Tampering with rows before it is for a full run to find (the daily
    worker run, `verify_audit --full`)."""
    if seal:
        seal_pending()
    keys = _Keys()
    starts = _history_starts(since)
    change_start = (since.change_seq, since.change_digest) if since else (0, "")
    fast = None
    if connection.vendor == "sqlite":
        chain_pass = ChainPass(keys)
        fast = chain_pass, chain_pass.run(change_start, full=since is None)
    for label, tracked in sorted(tracked_models().items()):
        yield from _history_problems(tracked, keys, starts.get(label), fast)
    yield from _orphan_entries(since)
    # The change chain from where the pass found its links good (to word a problem there and
    # compare the head).
    yield from _chain_problems(
        CHAIN_CHANGES, ChangeEntry, keys, fast[1].chain_end if fast else change_start
    )
    yield from _access_problems(keys, _access_start(since))
    access_start = (since.access_seq, since.access_digest) if since else (0, "")
    yield from _chain_problems(CHAIN_ACCESS, AccessLog, keys, access_start)
    # Last: drift is often the consequence of a problem above (a removed history row).
    changed = _changed_records(since) if since is not None else None
    for label, tracked in sorted(tracked_models().items()):
        if changed is None:
            suspects = drifted(tracked)
            if suspects:
                yield from drift_problems(tracked, only=suspects)
        elif label in changed:
            yield from drift_problems(tracked, only=changed[label])


def history_tables() -> list[str]:
    tables = []
    for tracked in tracked_models().values():
        tables.append(tracked.history_model._meta.db_table)
        tables += [m2m._meta.db_table for _n, m2m, _o in tracked.m2m]
    return tables
