"""The 年度帮扶统计表: the year-end return to the provincial federation, as XLSX and PDF.

Both files print the same `ReturnSheet` (`sheet.py`), built from the statistics page's own
figures, so the return, the page and the lists behind it cannot disagree.
"""

from .pdf import render_return_pdf
from .pdf_cache import prepare_soon, return_pdf
from .sheet import ReturnSheet, build_return
from .xlsx import render_return_xlsx

__all__ = [
    "ReturnSheet",
    "build_return",
    "prepare_soon",
    "render_return_pdf",
    "render_return_xlsx",
    "return_pdf",
]
