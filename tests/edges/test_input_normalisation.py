"""Input normalisation in one place, and the import checking with the model's own rules
(issue 12 item 5): full-width digits and odd spaces are normalised before anything is stored;
numbers Excel cut to 15 significant digits are refused by the import with a message that says how
to fix the sheet, while the person form takes such a number typed by hand; every row of an XLSX
is read whatever its declared dimension; a date in a text column stays a date."""

import datetime
import io
import re
import zipfile

import pytest
from django.urls import reverse
from stdnum.cn import ric

from cases.idnumbers import validate_id_number
from cases.models import Person
from cases.transfers.files import _cell_text
from cases.transfers.people import import_people, plan_people_import
from tests.audit_helpers import assert_audit_intact
from tests.cases.test_people_forms import form_data
from tests.transfers.helpers import csv_bytes, id_number, roster_row, xlsx_bytes

WIDE = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def _id_ending_000() -> str:
    """A valid ID number whose last three characters are 000 (sequence 00, check digit 0)."""
    day = datetime.date(1970, 1, 1)
    while True:
        body = f"410102{day:%Y%m%d}00"
        if ric.calc_check_digit(body + "00") == "0":
            return body + "00"
        day += datetime.timedelta(days=1)


def _messages(plan) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in plan.errors]


def test_the_person_form_stores_full_width_digits_and_odd_spaces_normalised(
    client, officer, union_a
):
    number = id_number(31, "F")
    client.force_login(officer)
    response = client.post(
        reverse("cases:person_create"),
        form_data(
            union_a,
            name="欧阳\u3000\u00a0娜娜",
            id_number=number.translate(WIDE),
            mobile="１３９１２３４００００",
            bank_account="６２２２ ０２０２ ０００１ ２３４５ ６７８",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get()
    assert person.name == "欧阳 娜娜"
    assert (person.id_number, person.mobile) == (number, "13912340000")
    assert person.bank_account == "6222020200012345678"


def test_the_model_refuses_full_width_digits_that_skipped_normalisation():
    with pytest.raises(Exception, match="半角"):
        validate_id_number(id_number(32).translate(WIDE))


def test_the_import_normalises_full_width_numbers_and_spaces(union_a, officer):
    row = roster_row(33, "EDU01", 姓名="司马\u3000光")
    row["身份证号"] = row["身份证号"].translate(WIDE)
    row["银行账号"] = row["银行账号"].translate(WIDE)
    plan = import_people(csv_bytes([row]), filename="宽.csv", by=officer)
    assert plan.ok, _messages(plan)
    person = Person.objects.get()
    assert person.name == "司马 光" and person.id_number == id_number(33, "M")
    assert person.bank_account.isascii()
    assert_audit_intact()


def test_an_id_number_cut_by_excel_is_refused_with_how_to_fix_it(union_a, officer):
    cut = _id_ending_000()
    plan = import_people(
        csv_bytes([roster_row(1, "EDU01", 身份证号=cut, 性别="")]), filename="c.csv", by=officer
    )
    ((row, column, message),) = _messages(plan)
    assert (row, column) == (2, "身份证号")
    assert "文本" in message and "手工录入" in message
    assert not Person.objects.exists()


@pytest.mark.parametrize("account", ["6222020000000000", "6222020200012340000", "622202020001230"])
def test_an_account_cut_by_excel_is_refused_but_a_15_digit_one_is_not(union_a, officer, account):
    plan = plan_people_import(csv_bytes([roster_row(1, "EDU01", 银行账号=account)]), by=officer)
    if len(account) == 15:
        assert plan.ok, _messages(plan)
        return
    ((row, column, message),) = _messages(plan)
    assert (row, column) == (2, "银行账号") and "文本" in message


def test_the_person_form_accepts_such_numbers_typed_by_hand(client, officer, union_a):
    cut = _id_ending_000()
    client.force_login(officer)
    response = client.post(
        reverse("cases:person_create"),
        form_data(union_a, id_number=cut, gender="F", bank_account="6222020000000000"),
    )
    assert response.status_code == 302
    assert Person.objects.get().id_number == cut


@pytest.mark.parametrize(
    ("overrides", "column", "words"),
    [
        ({"银行账号": "1234"}, "银行账号", "8至30位"),
        ({"开户行": ""}, "开户行", "开户行"),
    ],
)
def test_the_import_refuses_what_the_model_refuses(union_a, officer, overrides, column, words):
    plan = import_people(
        csv_bytes([roster_row(1, "EDU01", **overrides)]), filename="m.csv", by=officer
    )
    ((row, col, message),) = _messages(plan)
    assert (row, col) == (2, column) and words in message
    assert not Person.objects.exists()


def _shrink_dimension(data: bytes, ref: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), body)
            target.writestr(item, body)
    return out.getvalue()


def test_xlsx_rows_past_the_declared_dimension_are_read(union_a, officer):
    data = xlsx_bytes([roster_row(n, "EDU01") for n in range(1, 6)])
    plan = plan_people_import(_shrink_dimension(data, "A1:H2"), by=officer)
    assert plan.ok and len(plan.new) == 5


def test_a_date_in_a_text_column_stays_a_date():
    assert _cell_text(datetime.datetime(2026, 1, 5)) == ("2026-01-05", False)
    assert _cell_text(datetime.datetime(2026, 1, 5, 8, 30)) == ("2026-01-05 08:30:00", False)


def test_an_officer_still_cannot_import_into_another_union(union_b, officer):
    row = roster_row(1, "HEA01")
    row["身份证号"] = row["身份证号"].translate(WIDE)
    plan = import_people(csv_bytes([row]), filename="o.csv", by=officer)
    assert not plan.ok and not Person.objects.exists()
