"""Keyset ("seek") pagination for the lists that grow to a city's size.

`Paginator` counts every matching row and skips with OFFSET: at a million people page 1 costs a
full count and page 5,000 a sort of everything before it. A keyset page asks the index for the
rows after (or before) the last one shown, so every page costs the same at any depth, and the
count is capped (`COUNT_CAP`): "more than 10,000" is what a person needs to know.

The cursor is the ordering values of the boundary row, in the URL (`after=` / `before=`); the page
number (`n=`) is carried only for display.
"""

import base64
import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q, QuerySet

COUNT_CAP = 10_000
PAGING_PARAMS = ("after", "before", "n", "page")


def _encode_value(value: Any) -> list:
    if isinstance(value, datetime.datetime):
        return ["dt", value.isoformat()]
    if isinstance(value, datetime.date):
        return ["d", value.isoformat()]
    if isinstance(value, Decimal):
        return ["dec", str(value)]
    return ["v", value]


def _decode_value(item: list) -> Any:
    kind, value = item
    if kind == "dt":
        return datetime.datetime.fromisoformat(value)
    if kind == "d":
        return datetime.date.fromisoformat(value)
    if kind == "dec":
        return Decimal(value)
    if kind == "v" and (value is None or isinstance(value, int | str)):
        return value
    raise ValueError(kind)


def encode_cursor(values: tuple) -> str:
    text = json.dumps([_encode_value(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> tuple | None:
    """The ordering values of a cursor, or None for anything malformed (then: the first page)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        items = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        values = tuple(_decode_value(item) for item in items)
    except (ValueError, TypeError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return values if len(values) == width else None


def _seek(ordering: tuple[str, ...], values: tuple) -> Q:
    """Rows strictly after `values` in `ordering` ("-" = descending), as one index range.

    (a, b, c) after (x, y, z) is a > x OR (a = x AND b > y) OR (a = x AND b = y AND c > z); the
    leading `a >= x` is implied but written out so the planner uses it as the range bound.
    """
    fields = [(name.lstrip("-"), name.startswith("-")) for name in ordering]
    alternatives = Q()
    for i, (name, descending) in enumerate(fields):
        step = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[i]})
        for j in range(i):
            step &= Q(**{fields[j][0]: values[j]})
        alternatives |= step
    first, descending = fields[0]
    return Q(**{f"{first}__{'lte' if descending else 'gte'}": values[0]}) & alternatives


def _typed(model, ordering: tuple[str, ...], values: tuple | None) -> tuple | None:
    """The cursor's values as the ordering columns' types; None when one does not fit (a
    hand-made cursor), so it means the first page rather than a failing query."""
    if values is None:
        return None
    try:
        return tuple(
            model._meta.get_field(name.lstrip("-")).to_python(value)
            for name, value in zip(ordering, values, strict=True)
        )
    except (ValidationError, FieldDoesNotExist, ValueError, TypeError):
        return None


def _reverse(ordering: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name[1:] if name.startswith("-") else f"-{name}" for name in ordering)


def _values_of(obj: Any, ordering: tuple[str, ...]) -> tuple:
    return tuple(getattr(obj, name.lstrip("-")) for name in ordering)


@dataclass
class KeysetPage:
    object_list: list
    count: int
    count_is_capped: bool
    number: int
    next_cursor: str | None
    previous_cursor: str | None
    base_query: str

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def _url(self, **params) -> str:
        extra = urlencode(params)
        joined = "&".join(part for part in (self.base_query, extra) if part)
        return f"?{joined}" if joined else "?"

    @property
    def next_url(self) -> str:
        return self._url(after=self.next_cursor, n=self.number + 1)

    @property
    def previous_url(self) -> str:
        if self.number <= 2:
            return self.first_url
        return self._url(before=self.previous_cursor, n=self.number - 1)

    @property
    def first_url(self) -> str:
        return self._url()


def _rows(qs: QuerySet, limit: int, ids_first: bool) -> list:
    """The first `limit` rows of `qs`; with `ids_first`, their ids first (a scan that the
    ordering and search indexes answer alone, without reading a table row), then those rows.

    On PostgreSQL a plain index scan reads the table row before applying a filter, so a search
    whose matches lie far apart in the list's order (a name prefix, at a million people: 26,000
    rows skipped to find 50) reads thousands of rows for one page; the id scan applies the same
    filter on the index alone and the page's rows are then read by primary key."""
    if not ids_first:
        return list(qs[:limit])
    ids = list(qs.values_list("pk", flat=True)[:limit])
    found = {obj.pk: obj for obj in qs.order_by().filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def keyset_page(
    request,
    queryset: QuerySet,
    ordering: tuple[str, ...],
    per_page: int,
    *,
    ids_first: bool = False,
    count: int | None = None,
) -> KeysetPage:
    """One page of `queryset` in `ordering` (which must end in a unique column, e.g. id).

    Two queries whatever the depth: a capped count and the rows of the page (three with
    `ids_first`: see `_rows`). A caller that has already counted the rows exactly passes
    `count`, and the capped count is not asked (a figure's list counts its rows with its total).
    """
    params = request.GET.copy()
    for name in PAGING_PARAMS:
        params.pop(name, None)
    try:
        number = max(1, int(request.GET.get("n", "1")))
    except ValueError:
        number = 1
    model = queryset.model
    after = _typed(model, ordering, decode_cursor(request.GET.get("after", ""), len(ordering)))
    before = None
    if after is None:
        cursor = decode_cursor(request.GET.get("before", ""), len(ordering))
        before = _typed(model, ordering, cursor)
    if after is None and before is None:
        number = 1

    capped = queryset.order_by()[: COUNT_CAP + 1].count() if count is None else count
    if before is not None:
        backwards = _reverse(ordering)
        qs = queryset.filter(_seek(backwards, before)).order_by(*backwards)
        rows = _rows(qs, per_page + 1, ids_first)
        more_before = len(rows) > per_page
        rows = rows[:per_page][::-1]
        more_after = True
        if not more_before:
            number = 1
    else:
        qs = queryset.order_by(*ordering)
        if after is not None:
            qs = qs.filter(_seek(ordering, after))
        rows = _rows(qs, per_page + 1, ids_first)
        more_after = len(rows) > per_page
        rows = rows[:per_page]
        more_before = after is not None
    if not rows and capped:  # a stale cursor past either end: show the first page instead
        rows = _rows(queryset.order_by(*ordering), per_page + 1, ids_first)
        more_after, more_before, number = len(rows) > per_page, False, 1
        rows = rows[:per_page]
    return KeysetPage(
        object_list=rows,
        count=capped if count is not None else min(capped, COUNT_CAP),
        count_is_capped=count is None and capped > COUNT_CAP,
        number=number,
        next_cursor=encode_cursor(_values_of(rows[-1], ordering)) if more_after and rows else None,
        previous_cursor=encode_cursor(_values_of(rows[0], ordering))
        if more_before and rows
        else None,
        base_query=params.urlencode(),
    )
