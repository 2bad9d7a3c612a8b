"""The return as an A4 PDF through WeasyPrint, with the letters app's Chinese fonts.

A fresh rendering is the return's slow path (the first download after the figures changed), so
it avoids the work that is the same every time and the work WeasyPrint does not need:
- the stylesheet is parsed once per thread, with its `FontConfiguration` (Pango's font map:
  the Chinese faces are found and loaded once). Both are per thread because neither is safe to
  share between threads rendering at the same time;
- the tables are laid out `fixed` (return.css);
- Python's cyclic garbage collector is paused while WeasyPrint builds and lays out the boxes.
  WeasyPrint allocates some hundred thousand objects that live until the PDF is written, enough
  to set off several full collections in a process of a Django worker's size (~100,000
  objects), each walking them all again. Paused, they are collected once, afterwards: 100-130 ms
  of 550 ms CPU for the federation's return (bench/README.md). A process holding millions of
  objects runs full collections rarely anyway and gains little.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

from core import fonts

from .sheet import ReturnSheet

CSS = Path(__file__).resolve().parent.parent / "pdfcss" / "return.css"
TEMPLATE = "figures/return_pdf.html"

_local = threading.local()
_pause_lock = threading.Lock()
_pauses = 0
_collector_was_enabled = False


def render_return_pdf(sheet: ReturnSheet) -> tuple[bytes, int]:
    """The PDF's bytes and its number of pages."""
    from weasyprint import HTML

    with translation.override("zh-hans"):
        html = render_to_string(TEMPLATE, {"sheet": sheet})
    stylesheet, font_config = _stylesheet()
    with _collector_paused():
        document = HTML(string=html, base_url=str(CSS.parent)).render(
            stylesheets=[stylesheet], font_config=font_config
        )
        return document.write_pdf(), len(document.pages)


def _stylesheet():
    """This thread's parsed return.css and the `FontConfiguration` it was parsed with."""
    cached = getattr(_local, "stylesheet", None)
    if cached is None:
        from weasyprint import CSS as WeasyCSS
        from weasyprint.text.fonts import FontConfiguration

        font_config = FontConfiguration()
        text = CSS.read_text(encoding="utf-8").replace("__FONTS__", fonts.font_family_css())
        cached = _local.stylesheet = (WeasyCSS(string=text, font_config=font_config), font_config)
    return cached


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block, in any thread, until the last rendering
    running at the same time ends; then the collector is as it was before the first."""
    global _pauses, _collector_was_enabled
    with _pause_lock:
        if _pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _collector_was_enabled:
                gc.enable()
