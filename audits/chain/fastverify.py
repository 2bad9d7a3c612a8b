# ruff: noqa: S608 — SQL over our own table and column names
"""Full verification at the speed of the MAC, on SQLite: the database builds each entry's digest
text (the entry joined to its history row, every value in canonical form), so Python only
computes one HMAC per row and compares it. Issue 11's target is 100,000 rows/s on SQLite; reading
every column into Python objects and joining them there managed about 17,000.

The SQL text is a fast path, never the authority: a row whose text does not give its digest
(a value stored in a form the SQL does not canonicalise — a datetime with an offset, a real
number SQLite prints differently — or a tampered row) is checked again by the row-by-row
verification in `verification`, which decides and words the problem. A match cannot hide
tampering: the digest is an HMAC, so a text that gives it is the text the writer signed.

Models with m2m history or columns the SQL cannot put in canonical form (JSON) use the
row-by-row path throughout.
"""

from django.db import connection

from ..models import ChangeEntry, HistoryColumns
from ..registry import Tracked
from .digests import ENTRY_FIELDS
from .fastread import _INTEGER, _TEXT, NULL, fetch
from .keys import CHUNK

# What Django writes (naive UTC, a space before the time) made ISO with the UTC offset; a value
# written otherwise fails its MAC and is read again by the row-by-row path.
_CANONICAL_DATETIME = "COALESCE(replace({c}, ' ', 'T') || '+00:00', '" + NULL + "')"


def _expression(field, alias: str) -> str | None:
    """The canonical text of one column in SQLite's SQL, or None when only Python can make it.
    Mirrors `fastread._column` and `registry.canonical`; a value it renders differently fails
    its MAC and goes to the row-by-row check, which is the authority."""
    kind = field.get_internal_type()
    column = f"{alias}.{connection.ops.quote_name(str(field.column))}"
    if kind in _TEXT and not field.get_db_converters(connection):
        return f"COALESCE({column}, '{NULL}')"
    if kind in _INTEGER or kind == "DateField":
        return f"COALESCE({column}, '{NULL}')"  # printf's %s writes integers as decimal text
    if kind == "BooleanField":
        return f"CASE WHEN {column} IS NULL THEN '{NULL}' WHEN {column} THEN 'T' ELSE 'F' END"
    if kind == "DateTimeField":
        return _CANONICAL_DATETIME.format(c=f"CAST({column} AS TEXT)")
    if kind == "DecimalField":
        # Stored with NUMERIC affinity: whole amounts as integers (the canonical text), others
        # as reals whose 15-digit text is the normalised decimal; anything else fails its MAC.
        return f"COALESCE({column}, '{NULL}')"
    return None


def _printf(parts: list[tuple[str, str]]) -> str:
    """One SQL text of (literal prefix, expression) parts joined by the separator: printf
    builds it in one pass (a chain of || copies the growing text at every step), in pieces of
    at most 100 arguments (SQLite's function argument limit is 127)."""
    pieces = []
    for start in range(0, len(parts), 100):
        part = parts[start : start + 100]
        # Doubled once more for the driver's parameter style (%s markers, %% for a %).
        template = "\x1f".join(prefix.replace("%", "%%%%") + "%%s" for prefix, _e in part)
        pieces.append(f"printf('{template}', {', '.join(e for _p, e in part)})")
    return " || char(31) || ".join(pieces)


class FastHistory:
    """The joined, SQL-canonicalised reading of one model's history rows with their entries."""

    def __init__(self, tracked: Tracked):
        history = tracked.history_model
        self.tracked = tracked
        self.table = connection.ops.quote_name(history._meta.db_table)
        self.entries = connection.ops.quote_name(ChangeEntry._meta.db_table)
        fields = {f.attname: f for f in history._meta.concrete_fields}
        entry_fields = {f.attname: f for f in ChangeEntry._meta.concrete_fields}
        self.entry_parts = [
            ("", str(_expression(entry_fields[name], "e"))) for name in ENTRY_FIELDS
        ]
        # columns_id (as text) → SQL of the "name=value" parts of that column set.
        self.layouts: dict[str, str] = {}
        for pk, columns in HistoryColumns.objects.filter(model=tracked.label).values_list(
            "pk", "columns"
        ):
            names = columns.split(",") if columns else []
            if not set(names) <= fields.keys():
                continue  # columns gone since: the row-by-row path words those
            expressions = [(name, _expression(fields[name], "h")) for name in names]
            if any(e is None for _n, e in expressions):
                continue
            parts = [
                *self.entry_parts,
                ("", f"'columns={pk}'"),
                ("", "CASE WHEN e.key_id <> '' THEN 'key=' || e.key_id END"),
                *[(f"{name}=", str(e)) for name, e in expressions],
            ]
            self.layouts[str(pk)] = _printf(parts)

    @staticmethod
    def eligible(tracked: Tracked) -> bool:
        return connection.vendor == "sqlite" and not tracked.m2m

    def suspects(self, keys, after: int | None) -> list[int]:
        """History ids after `after` that this path cannot vouch for, for the row-by-row path:
        rows whose text does not give their entry's digest, rows without an entry or with a
        column set it cannot render, and entries without a row."""
        cases = " ".join(f"WHEN {int(pk)} THEN {text}" for pk, text in self.layouts.items())
        text = f"CASE e.columns_id {cases} END" if cases else "NULL"
        suspects: list[int] = []
        entries_seen = 0
        last = after
        while True:
            chunk = fetch(
                f"SELECT h.history_id, e.digest, e.key_id, {text} "
                f"FROM {self.table} h LEFT JOIN {self.entries} e "
                f"ON e.model = %s AND e.history_id = h.history_id "
                + ("WHERE h.history_id > %s " if last is not None else "")
                + f"ORDER BY h.history_id LIMIT {CHUNK}",
                (self.tracked.label,) + ((last,) if last is not None else ()),
            )
            suspects += keys.failing(chunk)
            entries_seen += len(chunk) - sum(1 for row in chunk if row[1] is None)
            if len(chunk) < CHUNK:
                break
            last = chunk[-1][0]
        since = "AND e.history_id > %s " if after is not None else ""
        params: tuple = (self.tracked.label,) + ((after,) if after is not None else ())
        (entries,) = fetch(
            f"SELECT COUNT(*) FROM {self.entries} e WHERE e.model = %s {since}", params
        )[0]
        if entries != entries_seen:  # some entries have no row: find them
            suspects += [
                row[0]
                for row in fetch(
                    f"SELECT e.history_id FROM {self.entries} e WHERE e.model = %s {since}"
                    f"AND NOT EXISTS (SELECT 1 FROM {self.table} h "
                    f"WHERE h.history_id = e.history_id)",
                    params,
                )
            ]
        return suspects


def verified_chain_prefix(model, keys, start: tuple[int, str]) -> tuple[int, str]:
    """How far the chain of `model` from `start` (sequence number, chain digest there) links
    correctly, a chunk at a time in one tight loop (SQLite's LAG to fetch the previous digest
    cost more than keeping it in a variable): the (sequence number, chain digest) of the last
    chunk that did. The row-by-row chain check continues from there, to word a problem and to
    compare the head."""
    table = connection.ops.quote_name(model._meta.db_table)
    seq, previous = start
    while True:
        rows = fetch(
            f"SELECT chain_seq, chain_digest, key_id, digest FROM {table} "
            f"WHERE chain_seq > %s ORDER BY chain_seq LIMIT {CHUNK}",
            (seq,),
        )
        if not rows or rows[0][0] != seq + 1 or rows[-1][0] != seq + len(rows):
            return seq, previous  # the end, or a gap in this chunk
        link = previous
        last_kid, base = None, None
        for n, chain_digest, kid, digest in rows:
            if kid != last_kid:
                last_kid, base = kid, keys.keyed(kid)
            if base is None:
                return seq, previous
            mac = base.copy()
            mac.update(f"{link}\x1f{n}\x1f{digest}".encode())
            if mac.hexdigest() != chain_digest:
                return seq, previous
            link = chain_digest
        seq, previous = rows[-1][0], link
        if len(rows) < CHUNK:
            return seq, previous
