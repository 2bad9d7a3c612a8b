"""The PDFs' stylesheets, parsed once per thread with the fonts they print with.

Parsing a stylesheet is cheap; what it sets up is not: WeasyPrint's `FontConfiguration` is
Pango's font map, where the Chinese faces are found and loaded, and the prepared faces'
`@font-face` rules (core.font_subsets) copy 8 MB of fonts into it. Each thread keeps one font
configuration and each stylesheet parsed with it, so a letter, a roster or the return pays that
once per worker thread, not once per PDF. Per thread, because neither is safe to share between
threads rendering at the same time.
"""

import atexit
import threading
from pathlib import Path

from . import fonts

_local = threading.local()


@atexit.register
def _forget() -> None:
    """Drop this thread's font configuration while the interpreter can still run its clean-up
    (it deletes the fonts' temporary copies; at shutdown, too late, it fails noisily)."""
    _local.__dict__.clear()


def stylesheet(path: Path):
    """This thread's parsed `path` (fonts placed: `fonts.stylesheet_text`) and the
    `FontConfiguration` to render with it."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    cached = getattr(_local, "sheets", None)
    if cached is None:
        cached = _local.sheets = {}
        _local.font_config = FontConfiguration()
    sheet = cached.get(path)
    if sheet is None:
        text = fonts.stylesheet_text(path.read_text(encoding="utf-8"))
        sheet = cached[path] = CSS(string=text, font_config=_local.font_config)
    return sheet, _local.font_config


def render(html: str, css_path: Path):
    """The WeasyPrint document of `html` styled by `css_path` (relative URLs from its folder)."""
    from weasyprint import HTML

    sheet, font_config = stylesheet(css_path)
    return HTML(string=html, base_url=str(css_path.parent)).render(
        stylesheets=[sheet], font_config=font_config
    )
