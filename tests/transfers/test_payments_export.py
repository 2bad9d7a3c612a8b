"""The payments export: scope, masking, the log, formulas."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.roles import Role
from audits.models import AccessLog
from core.access import AccessAction
from tests.factories import CaseFactory, PersonFactory, make_user

from .factories import make_campaign, make_payment
from .helpers import id_number

pytestmark = pytest.mark.django_db


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def payments(federation, union_a, union_b, administrator):
    campaign = make_campaign(federation, administrator)
    person_a = PersonFactory(
        id_number=id_number(1, "M"), organisation=union_a, bank_account="6222020000009876"
    )
    person_b = PersonFactory(id_number=id_number(2, "M"), organisation=union_b)
    pay_a = make_payment(CaseFactory(person=person_a), campaign, administrator, purpose="=cmd|x")
    pay_b = make_payment(
        CaseFactory(person=person_b),
        campaign,
        administrator,
        status="approved",
        assistance_item="medical",
    )
    return campaign, pay_a, pay_b


def test_finance_exports_every_payment_in_scope_with_masked_accounts(client, finance, payments):
    client.force_login(finance)
    rows = csv_rows(client.get(reverse("payments:export", args=["csv"])))
    assert rows[0][:5] == ["付款编号", "姓名", "身份证号", "单位代码", "单位"]
    assert {r[0] for r in rows[1:]} == {payments[1].reference, payments[2].reference}
    row_a = next(r for r in rows if r[0] == payments[1].reference)
    assert "6222********9876" in row_a and "'=cmd|x" in row_a and "草稿" in row_a
    assert "6222020000009876" not in row_a
    log = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert log.object_type == "payments.payment"
    assert (log.detail["rows"], log.detail["sensitive"]) == (2, False)


def test_the_export_names_category_tier_sector_funding_source_and_union(client, finance, payments):
    client.force_login(finance)
    rows = csv_rows(client.get(reverse("payments:export", args=["csv"])))
    header = rows[0]
    row_a = dict(zip(header, next(r for r in rows if r[0] == payments[1].reference), strict=True))
    assert row_a["单位代码"] == "EDU01" and row_a["单位"] == "第一中学工会"
    assert row_a["行业"] == "教育"
    assert (row_a["个案类别"], row_a["困难类别"]) == ("困难职工帮扶", "相对困难")
    assert row_a["经费来源"] == "市总工会专项资金"
    row_b = dict(zip(header, next(r for r in rows if r[0] == payments[2].reference), strict=True))
    assert (row_b["单位代码"], row_b["行业"], row_b["救助项目"]) == ("HEA01", "卫生", "医疗救助")


def test_an_officer_sees_only_their_unions_payments(client, officer, payments):
    client.force_login(officer)
    rows = csv_rows(client.get(reverse("payments:export", args=["csv"])))
    assert [r[0] for r in rows[1:]] == [payments[1].reference]


def test_a_leader_gets_masked_accounts_and_filters_apply(client, leader, payments):
    client.force_login(leader)
    response = client.get(reverse("payments:export", args=["csv"]), {"status": "approved"})
    rows = csv_rows(response)
    assert [r[0] for r in rows[1:]] == [payments[2].reference]
    assert rows[1][2].startswith("410102********")
    log = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert log.detail["sensitive"] is False and log.detail["filters"] == {"status": "approved"}


def test_xlsx_export_and_permission(client, union_a, payments):
    from openpyxl import load_workbook

    officer = make_user(Role.CASE_OFFICER, union_a)
    client.force_login(officer)
    response = client.get(reverse("payments:export", args=["xlsx"]), {"q": payments[1].reference})
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    amount = rows[0].index("金额（元）")
    assert len(rows) == 2 and rows[1][amount] == 1000
    admin = make_user(Role.ADMINISTRATOR, union_a)
    client.force_login(admin)
    assert client.get(reverse("payments:export", args=["csv"])).status_code == 403
