"""The return's PDF rendered afresh: the stylesheet and fonts parsed once per thread serve every
scope with its own figures, the garbage collector is paused only while WeasyPrint works, and
the fixed columns hold the widest figures."""

import datetime
import gc
import re
import threading
from decimal import Decimal

import pytest
from django.urls import reverse

from core import pdf_stylesheets
from figures.returns import pdf
from figures.returns.sheet import MONEY_HEADERS, Line, ReturnSheet, Section

from .pdf_text import pdf_text

YEAR = 2026
MM = 72 / 25.4  # PDF points per millimetre


@pytest.fixture
def paid_year(walk):
    walk("paid", paid_on=datetime.date(2026, 2, 3))
    walk("paid", union="b", paid_on=datetime.date(2026, 4, 3))


def _fresh_pdf(client) -> bytes:
    from figures.models import RenderedReturn

    RenderedReturn.objects.all().delete()  # the stored PDFs: every download is rendered afresh
    response = client.get(reverse("figures:return", args=["pdf"]), {"year": YEAR})
    assert response.status_code == 200
    return response.content


def _total(text: str) -> list[str]:
    return next(line.split() for line in text.splitlines() if line.split()[:1] == ["合计"])


def test_one_stylesheet_serves_two_scopes_each_with_its_own_figures(
    client, leader, officer, union_a, union_b, paid_year, tmp_path
):
    client.force_login(leader)
    federation_text = pdf_text(_fresh_pdf(client), tmp_path, "-layout")
    stylesheet = pdf_stylesheets.stylesheet(pdf.CSS)[0]
    client.force_login(officer)
    union_text = pdf_text(_fresh_pdf(client), tmp_path, "-layout")
    client.force_login(leader)
    again = pdf_text(_fresh_pdf(client), tmp_path, "-layout")

    assert (
        pdf_stylesheets.stylesheet(pdf.CSS)[0] is stylesheet  # parsed once for all three
    )
    assert "填报单位：市教科文卫体工会" in federation_text
    assert _total(federation_text)[1:3] == ["2", "1,000.00"]  # 500 in each union
    assert f"填报单位：{union_a.name}" in union_text
    assert _total(union_text)[1:3] == ["1", "500.00"]
    assert union_b.name not in union_text
    assert again == federation_text


def _sheet(issuer: str, amount: Decimal, count: int) -> ReturnSheet:
    values = (count, amount) * 4
    return ReturnSheet(
        title="2026年度困难职工建档和帮扶情况统计表",
        issuer=issuer,
        period="二〇二六年一月一日至二〇二六年十二月三十一日",
        unit="单位：户、人次、元",
        filled_on="二〇二六年十二月三日",
        sections=[
            Section(
                "二、帮扶资金（按活动类型）",
                MONEY_HEADERS,
                [Line("送温暖", values), Line("合计", values, total=True)],
            )
        ],
        filters="",
    )


def test_each_thread_renders_with_its_own_stylesheet_and_the_collector_comes_back(db, tmp_path):
    """Two threads at once (a threaded server): each prints its own sheet, and the garbage
    collector, paused while either worked, is enabled again once both are done."""
    amounts = {"甲工会": Decimal("1234.50"), "乙工会": Decimal("98765.00")}
    results: dict[str, tuple[bytes, int, object]] = {}

    def render(issuer):
        content, pages = pdf.render_return_pdf(_sheet(issuer, amounts[issuer], 7))
        results[issuer] = (content, pages, pdf_stylesheets.stylesheet(pdf.CSS)[0])

    threads = [threading.Thread(target=render, args=(issuer,)) for issuer in amounts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert gc.isenabled()
    assert results["甲工会"][2] is not results["乙工会"][2]
    for issuer, amount in amounts.items():
        content, pages, _ = results[issuer]
        text = pdf_text(content, tmp_path, "-layout")
        assert pages == 1
        assert f"填报单位：{issuer}" in text
        assert _total(text)[1:3] == ["7", f"{amount:,.2f}"]


def test_a_collector_disabled_before_stays_disabled(db):
    gc.disable()
    try:
        pdf.render_return_pdf(_sheet("甲工会", Decimal("1.00"), 1))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_widest_figures_fit_their_fixed_columns(db, tmp_path):
    """return.css sizes the columns for 999,999,999.99 元 and 12,345,678 人次, bold in the
    合计 row: each must fit its column's width (26.5 and 18 mm without the padding), else it
    would run over the next cell."""
    content, _ = pdf.render_return_pdf(_sheet("甲工会", Decimal("999999999.99"), 12345678))
    words = pdf_text(content, tmp_path, "-bbox")
    widths = {}
    for line in words.splitlines():
        box = re.match(
            r'\s*<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)".*>(.*)</word>', line
        )
        if box and box[3] in ("999,999,999.99", "12,345,678"):
            widths[box[3]] = max(widths.get(box[3], 0), float(box[2]) - float(box[1]))
    assert 0 < widths["999,999,999.99"] <= 26.5 * MM
    assert 0 < widths["12,345,678"] <= 18 * MM
