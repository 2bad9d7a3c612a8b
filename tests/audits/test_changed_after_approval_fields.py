"""审批后被修改的慰问金 reports only changes of amount, payee, method, person or campaign made
after approval — never the lifecycle of a paid or failed payment (issue 15 item 8)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import PersonFactory

from .factories import change, make_campaign, make_payment
from .test_reports import rows, visited_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(federation, administrator):
    return make_campaign(federation, administrator)


def _approved(union, officer, finance, campaign):
    payment = make_payment(visited_case(union, officer), campaign, officer)
    change(payment, officer, "提交", status="submitted", submitted_by=officer)
    change(payment, finance, "审批", status="approved", approved_by=finance)
    return payment


def test_paid_failed_and_noted_payments_are_not_reported(
    auditor, officer, finance, union_a, campaign
):
    paid = _approved(union_a, officer, finance, campaign)
    change(paid, finance, "", status="in_batch")
    change(paid, finance, "", status="paid", paid_at=timezone.now(), paid_by=finance)
    failed = _approved(union_a, officer, finance, campaign)
    change(failed, finance, "", status="failed", failure_reason="账号不存在")
    change(failed, finance, "", purpose="春节慰问（补发）")  # a note, not substance
    assert rows("changed-after-approval", auditor) == []


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("amount", Decimal("1800.00"), "金额"),
        ("method", "cash", "发放方式"),
        ("payee_account", "6222000000000000999", "银行账号"),
    ],
)
def test_substantive_changes_after_approval_are_reported(
    auditor, officer, finance, union_a, campaign, field, value, label
):
    payment = _approved(union_a, officer, finance, campaign)
    change(payment, officer, "改动", **{field: value})
    found = rows("changed-after-approval", auditor)
    assert [r[0] for r in found] == [payment.reference]
    assert label in found[0][4]


def test_a_new_person_or_campaign_after_approval_is_reported(
    auditor, officer, finance, union_a, campaign, federation, administrator
):
    payment = _approved(union_a, officer, finance, campaign)
    change(payment, officer, "换人", person=PersonFactory(organisation=union_a))
    other = _approved(union_a, officer, finance, campaign)
    change(other, officer, "换活动", campaign=make_campaign(federation, administrator))
    assert {r[0] for r in rows("changed-after-approval", auditor)} == {
        payment.reference,
        other.reference,
    }
