"""The return's PDF kept in the cache under a digest of what it prints.

WeasyPrint takes about a second of CPU to lay the return out, five times the page's whole
budget. The figures themselves are cheap (the tallies), so the sheet is always built afresh
and its digest — every title, label and value of the sheet, plus the template, the stylesheet
and the fonts it is printed with — is the cache key. A new payment changes a value, hence the
digest, hence the file: a cached PDF can only ever be the rendering of the very figures the
request computed, so nothing needs invalidating and nothing stale can be served.

The cache is Django's default one: per process unless `CACHES` names a shared backend.
"""

import dataclasses
import hashlib
import json
from decimal import Decimal
from functools import lru_cache

from django.core.cache import cache

from core import fonts

from .pdf import CSS, TEMPLATE, render_return_pdf
from .sheet import ReturnSheet

TIMEOUT = 24 * 60 * 60  # the sheet carries its 填报日期: tomorrow's is another file anyway
PREFIX = "figures:return-pdf:"


def return_pdf(sheet: ReturnSheet) -> tuple[bytes, int]:
    """The PDF's bytes and page count: from the cache when this exact sheet was printed."""
    key = PREFIX + sheet_digest(sheet)
    hit = cache.get(key)
    if hit is not None:
        return hit
    rendered = render_return_pdf(sheet)
    cache.set(key, rendered, TIMEOUT)
    return rendered


def sheet_digest(sheet: ReturnSheet) -> str:
    text = json.dumps(dataclasses.asdict(sheet), default=_exact, ensure_ascii=False)
    return hashlib.sha256((_layout_version() + text).encode()).hexdigest()


def _exact(value) -> str:
    """Decimals by their exact text (1300.00 and 1300.0 print differently)."""
    if isinstance(value, Decimal):
        return f"D{value}"
    raise TypeError(type(value).__name__)


@lru_cache(maxsize=1)
def _layout_version() -> str:
    """What the PDF looks like besides the figures: the template, the stylesheet, the fonts."""
    from django.template.loader import get_template

    source = get_template(TEMPLATE).template.source
    parts = (source, fonts.stylesheet_text(CSS.read_text(encoding="utf-8")))
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()
