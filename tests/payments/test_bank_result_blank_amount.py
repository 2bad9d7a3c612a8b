"""The 金额 column of a bank result is optional: a failed line may leave it blank, and the totals
still reconcile over the lines that give an amount (issue 15 item 6)."""

from decimal import Decimal

import pytest

from payments import services
from payments.exceptions import BankResultInvalid
from payments.models import PaymentStatus

from .factories import payment_in_state
from .test_bank_result_import import HEADERS, rows_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_batch(campaign, officer, finance):
    payments = [
        payment_in_state("approved", campaign=campaign, officer=officer, finance=finance)
        for _ in range(3)
    ]
    batch = services.create_batch(campaign, [p.pk for p in payments], by=finance)
    services.mark_batch_sent(batch, by=finance)
    return batch, payments


def test_a_failed_line_with_a_blank_amount_is_accepted(sent_batch, finance):
    batch, payments = sent_batch
    rows = rows_for(payments)
    rows[1].update({"状态": "失败", "失败原因": "账号已销户", "金额": ""})
    summary = services.import_bank_result(batch, HEADERS, rows, by=finance)
    assert (summary.paid, summary.failed) == (2, 1)
    assert summary.paid_total == Decimal("1000.00")
    statuses = [type(p).objects.get(pk=p.pk).status for p in payments]
    assert statuses == [PaymentStatus.PAID, PaymentStatus.FAILED, PaymentStatus.PAID]


def test_a_successful_line_must_give_its_amount(sent_batch, finance):
    batch, payments = sent_batch
    rows = rows_for(payments)
    rows[0]["金额"] = ""
    with pytest.raises(BankResultInvalid) as info:
        services.import_bank_result(batch, HEADERS, rows, by=finance)
    assert any(r == 2 and c == "金额" and "仅失败的行" in m for r, c, m in info.value.problems)
    assert all(type(p).objects.get(pk=p.pk).status == PaymentStatus.IN_BATCH for p in payments)


def test_a_wrong_amount_on_another_line_still_fails_reconciliation(sent_batch, finance):
    batch, payments = sent_batch
    rows = rows_for(payments)
    rows[1].update({"状态": "失败", "失败原因": "户名不符", "金额": ""})
    rows[2]["金额"] = "450.00"
    with pytest.raises(BankResultInvalid) as info:
        services.import_bank_result(batch, HEADERS, rows, by=finance)
    columns = [(r, c) for r, c, _ in info.value.problems]
    assert (4, "金额") in columns and ("合计", "金额") in columns
