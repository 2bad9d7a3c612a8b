"""Tree order of the organisations: a parent, then its subtree; siblings by their code.

`Organisation.path` holds ids ("/1/7/"), so ordering by it put "/1/10/" before "/1/2/" and a
federation's unions in the order they were typed in. The order people read is the federation's
own numbering: codes compared as they are numbered ("U2" before "U10": runs of digits compare as
numbers). `Organisation.tree_order` stores each organisation's place in that order as an integer,
which ORDER BY uses without collation rules (PostgreSQL's locale collations skip the "/").
Pure functions: the organisation service and the migration that filled the column both use them.
"""

import re
from collections.abc import Iterable

_DIGITS = re.compile(r"(\d+)")


def code_key(code: str) -> tuple:
    """Sort key of a code: text parts as text, digit runs as numbers, the code itself last (so
    "U01" and "U1", equal as numbers, still have a fixed order). `re.split` with a group puts
    the digit runs at the odd places, so keys of different codes always compare like with like."""
    parts = _DIGITS.split(code)
    return (*(int(part) if i % 2 else part for i, part in enumerate(parts)), code)


def tree_orders(rows: Iterable[tuple[int, int | None, str]]) -> dict[int, int]:
    """{id: place} for (id, parent id, code) rows: preorder, siblings by `code_key`, from 1.
    Rows whose parent is not among them are roots (ordered by code as well)."""
    rows = list(rows)
    ids = {pk for pk, _parent, _code in rows}
    children: dict[int | None, list[tuple[tuple, int]]] = {}
    for pk, parent, code in rows:
        children.setdefault(parent if parent in ids else None, []).append((code_key(code), pk))
    for siblings in children.values():
        siblings.sort()
    places: dict[int, int] = {}
    stack = [pk for _key, pk in reversed(children.get(None, []))]
    while stack:
        pk = stack.pop()
        places[pk] = len(places) + 1
        stack.extend(child for _key, child in reversed(children.get(pk, [])))
    return places
