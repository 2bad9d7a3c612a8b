"""The return as an A4 PDF through WeasyPrint, with the letters app's Chinese fonts.

A fresh rendering is the return's slow path (the first download after the figures changed), so
it avoids the work that is the same every time and the work WeasyPrint does not need:
- the stylesheet and its fonts are set up once per thread (core.pdf_stylesheets), and the
  fonts embedded are the prepared subsets of the Chinese faces (core.font_subsets);
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

from core import pdf_stylesheets

from .sheet import ReturnSheet

CSS = Path(__file__).resolve().parent.parent / "pdfcss" / "return.css"
TEMPLATE = "figures/return_pdf.html"

_pause_lock = threading.Lock()
_pauses = 0
_collector_was_enabled = False


def render_return_pdf(sheet: ReturnSheet) -> tuple[bytes, int]:
    """The PDF's bytes and its number of pages."""
    with translation.override("zh-hans"):
        html = render_to_string(TEMPLATE, {"sheet": sheet})
    with _collector_paused():
        document = pdf_stylesheets.render(html, CSS)
        return document.write_pdf(), len(document.pages)


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
