"""The 台账: which payments it lists, its totals against the payments list (to the fen, as
LibreOffice computes them), scope, roles, bad input and its query count."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role
from audits.models import AccessLog
from core.access import AccessAction
from payments.ledger.selectors import ledger_lines
from payments.models import PaymentStatus
from tests.audit_helpers import assert_audit_intact
from tests.factories import make_user

from .factories import case_in, payment_in_state
from .spreadsheets import libreoffice_rows, money

pytestmark = pytest.mark.django_db

IN_LEDGER = ("approved", "second_approved", "in_batch", "paid", "failed", "reversed")
LEFT_OUT = ("draft", "submitted", "rejected", "cancelled")


@pytest.fixture
def book(walk, campaign, union_b, officer_b, finance, leader, finance2):
    """One payment of union A in every state, a big one waiting for the leader, and one paid
    payment of union B."""
    payments = {state: walk(state) for state in IN_LEDGER + LEFT_OUT if state != "second_approved"}
    payments["second_approved"] = walk("second_approved", amount=Decimal("1200.50"))
    payments["waiting"] = walk("approved", amount=Decimal("1500.00"))
    payments["other_union"] = payment_in_state(
        "paid",
        campaign=campaign,
        officer=officer_b,
        finance=finance,
        leader=leader,
        finance2=finance2,
        case=case_in(union_b, officer=officer_b),
    )
    return payments


def _url(union, year=2026):
    return f"{reverse('payments:ledger_download')}?organisation={union.pk}&year={year}"


def _payments_list_total(client, union) -> Decimal:
    """What the payments list (its CSV export) shows as approved or paid, row by row."""
    response = client.get(
        reverse("payments:export", args=["csv"]), {"organisation": union.pk, "year": 2026}
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    counted = {
        str(PaymentStatus(s).label)
        for s in ("approved", "second_approved", "in_batch", "paid", "failed")
    }
    waiting = {
        r["付款编号"] for r in rows if r["状态"] == "已审批" and Decimal(r["金额（元）"]) > 1000
    }
    return sum(
        (
            Decimal(r["金额（元）"])
            for r in rows
            if r["状态"] in counted and r["付款编号"] not in waiting
        ),
        Decimal("0.00"),
    )


def test_the_ledger_lists_approved_or_later_payments_and_writes_each_reversal_as_a_negative_line(
    book, finance, leader, union_a
):
    lines = ledger_lines(finance, union_a, 2026)
    vouchers = [line.voucher for line in lines]
    for state in ("approved", "second_approved", "in_batch", "paid", "failed"):
        assert vouchers.count(book[state].reference) == 1
    reversal = [line for line in lines if line.voucher == book["reversed"].reference]
    assert [line.amount for line in reversal] == [Decimal("500.00"), Decimal("-500.00")]
    assert reversal[1].note == "冲销：重复发放，已退回"
    for state in (*LEFT_OUT, "waiting", "other_union"):
        assert book[state].reference not in vouchers
    paid = next(line for line in lines if line.voucher == book["paid"].reference)
    assert paid.campaign == book["paid"].campaign.name
    assert (paid.category, paid.method, paid.funding_source) == (
        "困难职工帮扶（相对困难）",
        "银行转账",
        "市总工会专项资金",
    )
    assert paid.handler == str(book["paid"].submitted_by) and paid.approvers == str(finance)
    big = next(line for line in lines if line.voucher == book["second_approved"].reference)
    assert big.approvers == f"{finance}、{leader}"


def test_the_ledger_file_totals_match_the_payments_list_to_the_fen_in_libreoffice(
    client, book, finance, union_a
):
    client.force_login(finance)
    response = client.get(_url(union_a))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = libreoffice_rows(response.content)
    assert rows[0][0] == "第一中学工会2026年度帮扶慰问台账"
    header = rows[2]
    assert header[1:11] == [
        "日期",
        "凭证号",
        "活动",
        "姓名",
        "类别",
        "方式",
        "金额/物品（元）",
        "经费来源",
        "经办人",
        "审批人",
    ]
    total_row = next(r for r in rows if r[1] == "合计")
    expected = _payments_list_total(client, union_a)
    assert expected == Decimal("3200.50")  # 500 × 4 + 1200.50 + (500 − 500)
    assert money(total_row[7]) == expected
    data = rows[3 : rows.index(total_row)]
    assert sum((money(r[7]) for r in data), Decimal("0.00")) == expected
    assert total_row[2] == f"{len(data)}笔" and len(data) == 7
    assert any(r[0] == "合计金额（大写）：人民币叁仟贰佰元零伍角" for r in rows)
    log = AccessLog.objects.get(action=AccessAction.EXPORT, object_type="cases.organisation")
    assert (log.detail["kind"], log.detail["rows"], log.object_id) == ("ledger", 7, str(union_a.pk))
    assert_audit_intact()


def test_the_federation_ledger_covers_every_union_below_it(book, finance, federation):
    vouchers = {line.voucher for line in ledger_lines(finance, federation, 2026)}
    assert book["other_union"].reference in vouchers and book["paid"].reference in vouchers
    assert ledger_lines(finance, federation, 2025) == []


def test_an_officer_gets_their_own_union_and_never_another(client, book, officer, union_b):
    client.force_login(officer)
    page = client.get(reverse("payments:ledger"))
    assert page.status_code == 200 and page.context["union"] == officer.organisation
    assert [u.pk for u in page.context["unions"]] == [officer.organisation_id]
    assert client.get(_url(union_b)).status_code == 404
    assert client.get(reverse("payments:ledger"), {"organisation": union_b.pk}).status_code == 404
    assert AccessLog.objects.filter(action=AccessAction.OUT_OF_SCOPE).count() == 2
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()


def test_an_officer_of_a_union_sees_nothing_of_another_unions_payments_in_the_federation_book(
    book, officer_b, federation, union_b
):
    vouchers = {line.voucher for line in ledger_lines(officer_b, union_b, 2026)}
    assert vouchers == {book["other_union"].reference}


@pytest.mark.parametrize("role", [Role.FINANCE, Role.LEADER, Role.AUDITOR, Role.CASE_OFFICER])
def test_every_reading_role_reaches_the_ledger(client, federation, role):
    client.force_login(make_user(role, federation))
    assert client.get(reverse("payments:ledger")).status_code == 200
    assert client.get(_url(federation)).status_code == 200


def test_the_administrator_may_not_read_the_ledger(client, administrator, federation):
    client.force_login(administrator)
    assert client.get(reverse("payments:ledger")).status_code == 403
    assert client.get(_url(federation)).status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abcd"},
        {"year": "１２３４"},
        {"year": "1850"},
        {"year": "99999"},
        {"organisation": "x"},
    ],
)
def test_bad_input_is_a_404_and_writes_nothing(client, finance, params):
    client.force_login(finance)
    assert client.get(reverse("payments:ledger"), params).status_code == 404
    assert client.get(reverse("payments:ledger_download"), params).status_code == 404
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()


def test_the_page_shows_what_the_file_will_hold(client, book, finance, union_a):
    client.force_login(finance)
    page = client.get(reverse("payments:ledger"), {"organisation": union_a.pk, "year": 2026})
    assert page.context["summary"] == {
        "count": 6,
        "total": Decimal("3200.50"),
        "reversed": 1,
    }
    body = page.content.decode()
    assert "¥3,200.50" in body and _url(union_a).replace("&", "&amp;") in body


def test_the_page_and_the_file_cost_the_same_queries_whatever_the_rows(
    client, walk, finance, union_a, django_assert_num_queries
):
    client.force_login(finance)
    walk("paid")
    client.get(reverse("payments:ledger"))  # the session's first request writes its stamp
    with django_assert_num_queries(10):
        client.get(reverse("payments:ledger"), {"organisation": union_a.pk})
    with django_assert_num_queries(10):
        client.get(_url(union_a))
    for state in ("paid", "approved", "reversed", "in_batch"):
        walk(state)
    with django_assert_num_queries(10):
        client.get(reverse("payments:ledger"), {"organisation": union_a.pk})
    with django_assert_num_queries(10):
        assert client.get(_url(union_a)).status_code == 200


def test_the_page_renders_in_english(client, finance):
    from django.conf import settings

    client.force_login(finance)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("payments:ledger")).content.decode()
    assert "Assistance ledger" in body
