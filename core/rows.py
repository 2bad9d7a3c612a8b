"""List rows written in Python: a list page's 50 rows rendered as template nodes cost about
1,000 variable look-ups and node renders a page, a third of its CPU (bench/pages.py). These
helpers escape exactly as a template's `{{ value }}` does (SafeString kept, anything else through
`html.escape` with quotes), so the HTML is the same."""

from collections.abc import Callable, Iterable
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeData, SafeString, mark_safe

_SENTINEL = 918273645546372819


def cell(value: object) -> str:
    """A value as `{{ value }}` writes it: safe strings as they are, the rest escaped."""
    if isinstance(value, SafeData):
        return str(value)
    return escape(str(value), quote=True)


def pk_url(name: str) -> Callable[[int], str]:
    """The URL of a route taking one integer `pk`, reversed once for a whole list (`reverse` per
    row was 50 look-ups a page). Reversed per call, so the script prefix of the request holds."""
    prefix, _, suffix = reverse(name, args=[_SENTINEL]).partition(str(_SENTINEL))
    return lambda pk: f"{prefix}{int(pk)}{suffix}"


def table_rows(columns: Iterable[tuple[str, str]], rows: Iterable[Iterable[str]]) -> SafeString:
    """`<tr>`s of `<td data-label="label" class="css">` cells (the narrow-screen layout shows the
    label), one `(label, css class or "")` per column; each cell's HTML must already be escaped
    (`cell`) or built safe by the caller."""
    heads = [
        f'<td data-label="{cell(label)}"' + (f' class="{css}">' if css else ">")
        for label, css in columns
    ]
    return mark_safe(  # noqa: S308 - every cell is escaped by `cell` or built from escaped parts
        "".join(
            "<tr>"
            + "".join(f"{head}{html}</td>" for head, html in zip(heads, row, strict=True))
            + "</tr>"
            for row in rows
        )
    )
