# ruff: noqa: S608 — SQL over our own table and column names
"""Verification at the speed of the MAC, on SQLite: one pass over the change chain.

The entries are read once, in chain order, each with its history row's digest text built by the
database (the entry joined to its row, every value in canonical form, returned as bytes): Python
checks each chain link and each row digest with two keyed HMAC states copied per row, and reads
nothing else. Issue 11's target is 100,000 rows/s on SQLite; reading every column into Python
objects managed about 17,000, a history pass and a chain pass apart about 55,000.

The SQL text is a fast path, never the authority: a row whose text does not give its digest
(a value stored in a form the SQL does not canonicalise — a datetime with an offset, a real
number SQLite prints differently — or a tampered row), an entry without its row, and a history
row without an entry are checked again by the row-by-row verification in `verification`, which
decides and words the problem. A match cannot hide tampering: the digest is an HMAC, so a text
that gives it is the text the writer signed.

Models with m2m history or columns the SQL cannot put in canonical form (JSON) are verified row
by row; their entries' chain links are still checked here.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from ..models import ChangeEntry, HistoryColumns
from ..registry import Tracked, tracked_models
from .digests import ENTRY_FIELDS
from .fastread import _INTEGER, _TEXT, NULL, fetch
from .forked import Deferred
from .keys import CHUNK

# A full pass over a chain at least this long reads its second half in a forked process.
SPLIT_MIN = 200_000

# A piece of the digest text: its printf template (literal text, %s per argument) and the SQL
# expressions of its arguments.
Piece = tuple[str, list[str]]


def _nullable(field, column: str) -> str:
    return f"COALESCE({column}, '{NULL}')" if field.null else column


def _piece(field, alias: str) -> Piece | None:
    """The canonical text of one column in SQLite's SQL, or None when only Python can make it.
    Mirrors `fastread._column` and `registry.canonical`; a value it renders differently fails
    its MAC and goes to the row-by-row check, which is the authority. A NOT NULL column is read
    without COALESCE (a NULL forced into one prints as '' and fails its MAC)."""
    kind = field.get_internal_type()
    column = f"{alias}.{connection.ops.quote_name(str(field.column))}"
    if (kind in _TEXT and not field.get_db_converters(connection)) or kind in _INTEGER:
        # printf's %s writes integers as decimal text
        return "%s", [_nullable(field, column)]
    if kind in ("DateField", "DecimalField"):
        # Dates are the ISO text Django wrote. Decimals have NUMERIC affinity: whole amounts
        # are integers (the canonical text), others reals whose 15-digit text is the
        # normalised decimal; anything else fails its MAC.
        return "%s", [_nullable(field, column)]
    if kind == "BooleanField":
        if field.null:
            return "%s", [
                f"CASE WHEN {column} IS NULL THEN '{NULL}' WHEN {column} THEN 'T' ELSE 'F' END"
            ]
        return "%s", [f"CASE WHEN {column} THEN 'T' ELSE 'F' END"]
    if kind == "DateTimeField":
        # What Django writes (naive UTC, a space before the time) made ISO with the UTC offset:
        # the date (the first ten characters), 'T', the time from the twelfth, '+00:00'.
        if field.null:
            return "%s", [
                f"CASE WHEN {column} IS NULL THEN '{NULL}' "
                f"ELSE printf('%.10sT%s+00:00', {column}, substr({column}, 12)) END"
            ]
        return "%.10sT%s+00:00", [column, f"substr({column}, 12)"]
    return None


def _printf(pieces: list[Piece]) -> str:
    """One SQL text of the pieces joined by the separator: printf builds it in one pass (a chain
    of || copies the growing text at every step), in calls of at most 100 arguments (SQLite's
    function argument limit is 127)."""
    calls: list[tuple[list[str], list[str]]] = []
    template: list[str] = []
    arguments: list[str] = []
    for text, expressions in pieces:
        if len(arguments) + len(expressions) > 100:
            calls.append((template, arguments))
            template, arguments = [], []
        template.append(text)
        arguments += expressions
    calls.append((template, arguments))
    # Doubled once more for the driver's parameter style (%s markers, %% for a %).
    return " || char(31) || ".join(
        f"printf('{chr(31).join(t).replace('%', '%%')}', {', '.join(a)})" for t, a in calls
    )


def _history_text(tracked: Tracked) -> str | None:
    """SQL of the digest text of entry `e`'s history row (NULL when the row is gone or its
    column set cannot be rendered), as bytes; None when no column set of the model can be."""
    history = tracked.history_model
    table = connection.ops.quote_name(history._meta.db_table)
    fields = {f.attname: f for f in history._meta.concrete_fields}
    entry_fields = {f.attname: f for f in ChangeEntry._meta.concrete_fields}
    entry_pieces: list[Piece] = []
    for name in ENTRY_FIELDS:
        piece = _piece(entry_fields[name], "e")
        assert piece is not None  # the entry's own columns are text, integers and a datetime
        entry_pieces.append(piece)
    layouts = []
    for pk, columns in HistoryColumns.objects.filter(model=tracked.label).values_list(
        "pk", "columns"
    ):
        names = columns.split(",") if columns else []
        if not set(names) <= fields.keys():
            continue  # columns gone since: the row-by-row path words those
        pieces = [*entry_pieces, (f"columns={pk}", [])]
        pieces.append(("%s", ["CASE WHEN e.key_id <> '' THEN 'key=' || e.key_id END"]))
        for name in names:
            piece = _piece(fields[name], "h")
            if piece is None:
                break
            pieces.append((f"{name}={piece[0]}", piece[1]))
        else:
            layouts.append(f"WHEN {int(pk)} THEN {_printf(pieces)}")
    if not layouts:
        return None
    return (
        f"(SELECT CAST(CASE e.columns_id {' '.join(layouts)} END AS BLOB) "
        f"FROM {table} h WHERE h.history_id = e.history_id)"
    )


def eligible(tracked: Tracked) -> bool:
    """Whether the model's rows are checked by the pass (else row by row, in `verification`)."""
    return connection.vendor == "sqlite" and not tracked.m2m


@dataclass
class PassResult:
    """What one pass found: per model, the history ids it cannot vouch for; how far the chain
    links from the start (sequence number, chain digest there); whether it read every entry."""

    suspects: dict[str, list[int]] = field(default_factory=dict)
    chain_end: tuple[int, str] = (0, "")
    full: bool = False


class ChainPass:
    """The pass over the change chain: sealed entries after a sequence number in chain order
    (links and digests), then the unsealed ones (digests)."""

    def __init__(self, keys):
        self.keys = keys
        self.models = {
            label: tracked for label, tracked in tracked_models().items() if eligible(tracked)
        }
        cases, self.labels = [], []
        for label, tracked in sorted(self.models.items()):
            text = _history_text(tracked)
            if text is not None:
                cases.append(f"WHEN %s THEN {text}")
                self.labels.append(label)
        text = f"CASE e.model {' '.join(cases)} END" if cases else "NULL"
        self.entries = connection.ops.quote_name(ChangeEntry._meta.db_table)
        self.select = (
            f"SELECT e.chain_seq, e.chain_digest, e.digest, e.key_id, e.model, e.history_id, "
            f"{text} FROM {self.entries} e "
        )

    def run(self, start: tuple[int, str], *, full: bool) -> PassResult:
        """A full pass reads every sealed entry (a sequence number at or below zero cannot
        link, but its digest is checked), a long chain in two halves, the second in a forked
        process (`forked`); an incremental one reads those after `start`. Then the unsealed."""
        result = PassResult(full=full)
        middle = self._middle() if full else None
        if middle is None:
            result.chain_end = self._sealed(result, start, full=full)
        else:
            second = Deferred(lambda: self._second_half(middle))
            try:
                first = self._sealed(result, start, full=True, upto=middle[0])
            finally:  # the child is reaped even when this half fails
                suspects, end = second.result()
            for label, ids in suspects.items():
                result.suspects.setdefault(label, []).extend(ids)
            # The second half links on from the middle row: only if the first reached it.
            result.chain_end = end if first == middle else first
        with connection.cursor() as cursor:
            cursor.execute(
                self.select + "WHERE e.chain_seq IS NULL ORDER BY e.id", tuple(self.labels)
            )
            self._read(cursor, result, None)
        return result

    def _middle(self) -> tuple[int, str] | None:
        """(sequence number, chain digest) of the row where a long chain is split in two, when
        two processes may verify it (AUDIT_VERIFY_PROCESSES, default 2)."""
        if settings.AUDIT_VERIFY_PROCESSES < 2:
            return None
        ((last,),) = fetch(f"SELECT MAX(chain_seq) FROM {self.entries}", ())
        if last is None or last < SPLIT_MIN:
            return None
        found = fetch(
            f"SELECT chain_seq, chain_digest FROM {self.entries} WHERE chain_seq = %s",
            (last // 2,),
        )
        return (found[0][0], found[0][1]) if found else None

    def _sealed(
        self,
        result: PassResult,
        start: tuple[int, str],
        *,
        full: bool,
        upto: int | None = None,
    ) -> tuple[int, str]:
        """The sealed entries after `start` (every one when `full`) up to `upto`, in chain
        order; the end of their good links."""
        where = "e.chain_seq IS NOT NULL" if full else "e.chain_seq > %s"
        params: tuple = tuple(self.labels) + (() if full else (start[0],))
        if upto is not None:
            where += " AND e.chain_seq <= %s"
            params += (upto,)
        with connection.cursor() as cursor:
            cursor.execute(self.select + f"WHERE {where} ORDER BY e.chain_seq", params)
            return self._read(cursor, result, start)

    def _second_half(self, middle: tuple[int, str]) -> tuple[dict[str, list[int]], tuple[int, str]]:
        """The chain after the middle row, linked on from its digest: (suspects, end)."""
        result = PassResult()
        end = self._sealed(result, middle, full=False)
        return result.suspects, end

    def _read(self, cursor, result: PassResult, start: tuple[int, str] | None) -> tuple[int, str]:
        """The hot loop, a few C calls per row: the rows' digests, and from `start` (None: not
        chained) their links. Linking stops at the first gap, bad link or unconfigured key (the
        row-by-row chain check words it from the returned end); the digests are checked to the
        end."""
        keys, models, suspects = self.keys, self.models, result.suspects
        linking = start is not None
        seq, link = start or (0, "")
        last_kid, base = None, None
        while rows := cursor.fetchmany(CHUNK):
            for n, chain_digest, digest, kid, model, history_id, text in rows:
                if kid != last_kid:
                    last_kid, base = kid, keys.keyed(kid)
                if linking:
                    if base is None or n != seq + 1:
                        linking = False
                    else:
                        mac = base.copy()
                        mac.update(f"{link}\x1f{n}\x1f{digest}".encode())
                        if mac.hexdigest() == chain_digest:
                            seq, link = n, chain_digest
                        else:
                            linking = False
                if text is not None and base is not None:
                    mac = base.copy()
                    mac.update(text)
                    if mac.hexdigest() == digest:
                        continue
                if model in models:
                    suspects.setdefault(model, []).append(history_id)
        return seq, link

    def unindexed(self, tracked: Tracked, after: int | None, result: PassResult) -> list[int]:
        """History ids (after `after`) of rows without an entry. A full pass first compares
        counts: as many history rows as entries of the model, no two entries for one row and
        every entry's row found (no suspect) leave none, without reading the rows; otherwise
        (and on incremental runs, over the few new rows) the rows are looked up one by one."""
        table = connection.ops.quote_name(tracked.history_model._meta.db_table)
        if result.full and not result.suspects.get(tracked.label):
            ((rows,),) = fetch(f"SELECT COUNT(*) FROM {table}", ())
            ((entries, distinct),) = fetch(
                f"SELECT COUNT(*), COUNT(DISTINCT history_id) FROM {self.entries} WHERE model = %s",
                (tracked.label,),
            )
            if rows == entries == distinct:
                return []
        since = "AND h.history_id > %s " if after is not None else ""
        return [
            row[0]
            for row in fetch(
                f"SELECT h.history_id FROM {table} h WHERE NOT EXISTS (SELECT 1 "
                f"FROM {self.entries} e WHERE e.model = %s AND e.history_id = h.history_id) "
                + since,
                (tracked.label,) + ((after,) if after is not None else ()),
            )
        ]


def verified_chain_prefix(model, keys, start: tuple[int, str]) -> tuple[int, str]:
    """How far the chain of `model` from `start` (sequence number, chain digest there) links
    correctly, a keyset chunk at a time in one tight loop (on any database: a client-side cursor
    over the whole chain would hold it all in memory on PostgreSQL): the (sequence number, chain
    digest) of the last good link. The row-by-row chain check continues from there, to word a
    problem and to compare the head. On SQLite the change chain's links were checked by
    `ChainPass`, which starts this one at its end."""
    table = connection.ops.quote_name(model._meta.db_table)
    seq, previous = start
    last_kid, base = None, None
    while True:
        rows = fetch(
            f"SELECT chain_seq, chain_digest, key_id, digest FROM {table} "
            f"WHERE chain_seq > %s ORDER BY chain_seq LIMIT {CHUNK}",
            (seq,),
        )
        for n, chain_digest, kid, digest in rows:
            if kid != last_kid:
                last_kid, base = kid, keys.keyed(kid)
            if base is None or n != seq + 1:
                return seq, previous
            mac = base.copy()
            mac.update(f"{previous}\x1f{n}\x1f{digest}".encode())
            if mac.hexdigest() != chain_digest:
                return seq, previous
            seq, previous = n, chain_digest
        if len(rows) < CHUNK:
            return seq, previous
