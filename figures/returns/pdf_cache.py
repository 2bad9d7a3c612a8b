"""The return's PDF kept under a digest of what it prints, and prepared before it is asked for.

WeasyPrint takes 0.3-0.6 s of CPU to lay the return out (the federation's four pages, ~630
cells), more than the page's whole budget. The figures themselves are cheap (the tallies), so
the sheet is always built afresh and its digest — every title, label and value of the sheet,
plus the template, the stylesheet and the fonts it is printed with — is the key. A new payment
changes a value, hence the digest, hence the file: a stored PDF can only ever be the rendering
of the very figures the request computed, so nothing needs invalidating and nothing stale can be
served.

Stored PDFs are rows of `RenderedReturn`, shared by every worker process and server, so a sheet
is rendered once however many processes serve it; rows older than KEEP go as new ones come.

The statistics page, which the return is downloaded from, asks for its return to be prepared
(`prepare_soon`) when it is not stored yet: the worker renders it while the user reads the
page, and the download that follows is served stored. A download of a sheet nobody prepared
is rendered there and then, as before.
"""

import dataclasses
import datetime
import hashlib
import json
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

from core import fonts

from ..models import RenderedReturn
from .pdf import CSS, TEMPLATE, render_return_pdf
from .sheet import ReturnSheet

KEEP = datetime.timedelta(days=2)  # the sheet carries its 填报日期: tomorrow's is another file


def return_pdf(sheet: ReturnSheet) -> tuple[bytes, int]:
    """The PDF's bytes and page count: stored when this exact sheet was printed or prepared."""
    digest = sheet_digest(sheet)
    stored = RenderedReturn.objects.filter(digest=digest).values_list("content", "pages").first()
    if stored is not None:
        return bytes(stored[0]), stored[1]
    return _render_and_store(sheet, digest)


def prepare_soon(user, params: dict[str, str], sheet: ReturnSheet) -> bool:
    """Have the worker render `sheet` (the return of `params` for `user`) unless it is stored
    or already waiting (a page read again before the worker came); True when asked. Off where
    `RELIEF_PREPARE_RETURNS` is false (the tests': their task backend runs every task at once,
    inside the page)."""
    if not settings.RELIEF_PREPARE_RETURNS:
        return False
    if RenderedReturn.objects.filter(digest=sheet_digest(sheet)).exists():
        return False
    from ..tasks import prepare_return, prepare_return_waiting

    if prepare_return_waiting(user.pk, params):
        return False
    prepare_return.enqueue(user.pk, params)
    return True


def prepare(sheet: ReturnSheet) -> bool:
    """Render and store `sheet` unless stored (the worker's side of `prepare_soon`)."""
    digest = sheet_digest(sheet)
    if RenderedReturn.objects.filter(digest=digest).exists():
        return False
    _render_and_store(sheet, digest)
    return True


def _render_and_store(sheet: ReturnSheet, digest: str) -> tuple[bytes, int]:
    content, pages = render_return_pdf(sheet)
    now = timezone.now()
    # Two renderings of one sheet at once (a download and the worker) store one row.
    RenderedReturn.objects.bulk_create(
        [RenderedReturn(digest=digest, content=content, pages=pages, rendered_at=now)],
        ignore_conflicts=True,
    )
    RenderedReturn.objects.filter(rendered_at__lt=now - KEEP).delete()
    return content, pages


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
    # The fonts by what they are (the families, the prepared faces' manifest), not by where this
    # process finds them, so that the web and the worker on another host share stored PDFs.
    parts = (
        source,
        CSS.read_text(encoding="utf-8"),
        fonts.font_family_css(),
        fonts.subset_signature(),
    )
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()
