"""The return as an A4 PDF through WeasyPrint, with the letters app's Chinese fonts."""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

from core import fonts

from .sheet import ReturnSheet

CSS = Path(__file__).resolve().parent.parent / "pdfcss" / "return.css"
TEMPLATE = "figures/return_pdf.html"


def render_return_pdf(sheet: ReturnSheet) -> tuple[bytes, int]:
    """The PDF's bytes and its number of pages."""
    from weasyprint import CSS as WeasyCSS
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    with translation.override("zh-hans"):
        html = render_to_string(TEMPLATE, {"sheet": sheet})
    font_config = FontConfiguration()
    css = CSS.read_text(encoding="utf-8").replace("__FONTS__", fonts.font_family_css())
    document = HTML(string=html, base_url=str(CSS.parent)).render(
        stylesheets=[WeasyCSS(string=css, font_config=font_config)], font_config=font_config
    )
    return document.write_pdf(), len(document.pages)
