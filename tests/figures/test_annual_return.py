"""The 年度帮扶统计表: laid out for print, the same figures as the page, and opened in
LibreOffice its totals match the payments list to the fen."""

import datetime
import io
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audits.models import AccessLog
from tests.audit_helpers import assert_audit_intact
from tests.payments.spreadsheets import libreoffice_rows

from .pdf_text import pdf_text
from .spreadsheets import section_rows, yuan

YEAR = 2026


@pytest.fixture
def paid_year(walk):
    walk("paid", paid_on=datetime.date(2026, 2, 3), hardship_level="deep")
    walk("paid", union="b", paid_on=datetime.date(2026, 4, 3))
    walk("reversed", paid_on=datetime.date(2026, 5, 3), reversed_on=datetime.date(2026, 6, 1))
    walk("approved")


def _download(client, fmt, **params):
    return client.get(reverse("figures:return", args=[fmt]), {"year": YEAR, **params})


def test_the_xlsx_is_laid_out_for_print_with_real_numbers(client, leader, paid_year):
    client.force_login(leader)
    response = _download(client, "xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "2026年度困难职工建档和帮扶情况统计表"
    assert sheet["A2"].value == "填报单位：市教科文卫体工会"
    assert sheet["D2"].value == "二〇二六年一月一日至二〇二六年十二月三十一日"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$1:$3"
    totals = [row for row in sheet.iter_rows(values_only=True) if row[0] == "合计"]
    paid_n, paid, reversed_n, reversed_, net_n, net, pending_n, pending = totals[0][1:9]
    assert (paid_n, paid, reversed_n, reversed_, net_n, net) == (3, 1800.0, 1, 500.0, 2, 1300.0)
    assert (pending_n, pending) == (1, 500.0)
    assert isinstance(net, int | float)  # a number a spreadsheet can sum, not text
    footer = [row for row in sheet.iter_rows(values_only=True) if row[0] == "单位负责人："]
    assert footer and footer[0][2] == "填表人：" and footer[0][6].startswith("填报日期：")
    assert AccessLog.objects.filter(action="export", object_type="figures.annual_return").exists()


def test_opened_in_libreoffice_the_totals_match_the_payments_list(client, leader, paid_year):
    client.force_login(leader)
    rows = libreoffice_rows(_download(client, "xlsx").content)
    by_kind = section_rows(rows, "二、")
    header, total = by_kind[0], next(r for r in by_kind if r[0] == "合计")
    net = Decimal(yuan(total[header.index("净金额")]))
    listed = client.get(reverse("figures:payments"), {"year": YEAR, "figure": "net"})
    assert net == listed.context["total"].net == Decimal("1300.00")
    assert int(total[header.index("净人次")]) == listed.context["total"].net_n == 2
    for title in ("三、", "四、", "五、"):
        section = section_rows(rows, title)
        assert next(r for r in section if r[0] == "合计") == total, title
        lines = [r for r in section[1:] if r[0] != "合计"]
        column = header.index("净金额")
        assert sum(Decimal(yuan(r[column])) for r in lines) == net, title
    assert_audit_intact()


def test_the_pdf_prints_the_same_figures(client, leader, paid_year, tmp_path):
    client.force_login(leader)
    response = _download(client, "pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    path = tmp_path / "return.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "2026年度困难职工建档和帮扶情况统计表" in text
    assert "填报单位：市教科文卫体工会" in text
    assert "1,300.00" in text and "1,800.00" in text
    assert "单位负责人" in text and "填表人" in text


def test_an_officers_return_counts_only_the_subtree(client, officer, union_a, paid_year):
    client.force_login(officer)
    sheet = load_workbook(io.BytesIO(_download(client, "xlsx").content)).active
    assert sheet["A2"].value == f"填报单位：{union_a.name}"
    totals = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "合计")
    assert totals[5:7] == (1, 800.0)  # union A: 800 paid, 500 paid and reversed
    labels = {row[0] for row in sheet.iter_rows(values_only=True)}
    assert "市人民医院工会" not in labels


def test_the_return_is_refused_to_the_administrator_and_unknown_formats(
    client, administrator, leader, union_b, officer
):
    client.force_login(administrator)
    assert _download(client, "xlsx").status_code == 403
    client.force_login(leader)
    assert _download(client, "docx").status_code == 404
    client.force_login(officer)
    assert _download(client, "xlsx", organisation=union_b.pk).status_code == 404


def test_the_same_figures_are_printed_once(client, leader, officer, paid_year, renders):
    client.force_login(leader)
    first = _download(client, "pdf").content
    assert _download(client, "pdf").content == first
    assert len(renders) == 1
    # Another scope prints other figures: its own file, never the leader's.
    client.force_login(officer)
    assert _download(client, "pdf").content != first
    assert len(renders) == 2


def test_a_new_payment_changes_the_downloaded_pdf(
    client, leader, paid_year, walk, renders, tmp_path
):
    client.force_login(leader)
    before = _totals(pdf_text(_download(client, "pdf").content, tmp_path, "-layout"))
    assert before[0].split()[1:7] == ["3", "1,800.00", "1", "500.00", "2", "1,300.00"]
    walk("paid", paid_on=datetime.date(2026, 7, 3))
    after = _totals(pdf_text(_download(client, "pdf").content, tmp_path, "-layout"))
    assert len(renders) == 2
    assert after[0].split()[1:7] == ["4", "2,300.00", "1", "500.00", "3", "1,800.00"]
    assert {tuple(line.split()) for line in after} == {tuple(after[0].split())}
    assert len(after) == len(before)  # every money section's 合计 moved


def _totals(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("合计")]
