"""The bank file's XLSX: a named sheet and amounts a spreadsheet can add up (issue 15 item 16)."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from payments import services
from payments.resources import BANK_SHEET_TITLE, export_bank_file
from payments.selectors import batch_lines

from .factories import payment_in_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(campaign, officer, finance):
    payments = [
        payment_in_state("approved", campaign=campaign, officer=officer, finance=finance)
        for _ in range(3)
    ]
    return services.create_batch(campaign, [p.pk for p in payments], by=finance), payments


def test_the_sheet_is_named_and_the_amounts_are_numbers(batch):
    batch, payments = batch
    workbook = openpyxl.load_workbook(io.BytesIO(export_bank_file(batch_lines(batch), "xlsx")))
    sheet = workbook.active
    assert sheet.title == BANK_SHEET_TITLE == "发放明细"
    amounts = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(a, int | float) for a in amounts)
    assert Decimal(str(sum(amounts))) == sum(p.amount for p in payments)
    assert {sheet.cell(r, 5).number_format for r in range(2, 5)} == {"0.00"}
    assert isinstance(sheet.cell(2, 3).value, str)  # the account stays text, every digit kept


def test_the_csv_still_writes_two_decimals(batch):
    batch, _payments = batch
    content = export_bank_file(batch_lines(batch), "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert [r[4] for r in rows[1:]] == ["500.00"] * 3
