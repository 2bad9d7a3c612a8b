"""The payee is fixed at approval; a later account change pays nobody new until re-approved
(issue 12 item 1)."""

import csv
import io

import pytest
from django.urls import reverse

from audits.reports import REPORTS
from cases.services import save_person
from payments import services
from payments.exceptions import FourEyesViolation, InvalidTransition, NotPermitted, ReasonRequired
from payments.models import DisbursementBatch, Payment

REPORT = "payee-changed-after-approval"
NEW_ACCOUNT = "6217000000000000123"


def _change_account(person, *, by, account=NEW_ACCOUNT, bank="中国建设银行"):
    person.refresh_from_db()
    person.bank_account, person.bank_name = account, bank
    save_person(person, by=by, reason="职工更换工资卡")


def _bank_file_rows(client, finance, batch) -> list[dict]:
    client.force_login(finance)
    response = client.get(reverse("payments:batch_export", args=[batch.pk, "csv"]))
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_approval_takes_the_payee_snapshot(walk):
    payment = walk("approved")
    person = payment.person
    payment.refresh_from_db()
    assert (payment.payee_name, payment.payee_bank, payment.payee_account) == (
        person.name,
        person.bank_name,
        person.bank_account,
    )


def test_the_bulk_approval_takes_the_snapshot_too(client, walk, finance2):
    payment = walk("submitted")
    client.force_login(finance2)
    client.post(reverse("payments:approval_queue"), {"action": "approve", "payment": [payment.pk]})
    payment.refresh_from_db()
    assert payment.status == "approved"
    assert payment.payee_account == payment.person.bank_account != ""


def test_the_bank_file_pays_the_approved_account_not_one_changed_afterwards(
    client, walk, officer, finance
):
    payment = walk("approved")
    approved_account = payment.person.bank_account
    _change_account(payment.person, by=officer)
    batch = services.create_batch(payment.campaign, [payment.pk], by=finance)
    rows = _bank_file_rows(client, finance, batch)
    assert [r["账号"] for r in rows] == [approved_account]
    assert rows[0]["开户行"] == "中国工商银行"


def test_a_change_after_approval_shows_on_the_payment_page_and_in_the_report(
    client, walk, officer, finance, auditor
):
    unchanged = walk("approved")
    payment = walk("second_approved")
    _change_account(payment.person, by=officer)
    client.force_login(finance)
    page = client.get(payment.get_absolute_url())
    assert "审批后收款账户变更" in page.content.decode()
    assert "reapprove_payee" in page.context["actions"]
    assert "审批后收款账户变更" not in client.get(unchanged.get_absolute_url()).content.decode()
    rows = list(REPORTS[REPORT].rows(auditor))
    assert [r.cells[0] for r in rows] == [payment.reference]
    assert rows[0].cells[-1].endswith("0123")
    client.force_login(auditor)
    listed = client.get(reverse("audits:report", args=[REPORT]))
    assert listed.status_code == 200 and payment.reference in listed.content.decode()


def test_reapproval_moves_the_payment_to_the_new_account(client, walk, officer, finance2):
    payment = walk("approved")
    _change_account(payment.person, by=officer)
    client.force_login(finance2)
    response = client.post(
        reverse("payments:payment_action", args=[payment.pk, "reapprove_payee"]),
        {"reason": "职工提供了新卡的开户证明"},
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert (payment.payee_bank, payment.payee_account) == ("中国建设银行", NEW_ACCOUNT)
    assert "职工提供了新卡的开户证明" in payment.history.first().history_change_reason
    assert list(REPORTS[REPORT].rows(finance2)) == []
    batch = services.create_batch(payment.campaign, [payment.pk], by=finance2)
    assert [r["账号"] for r in _bank_file_rows(client, finance2, batch)] == [NEW_ACCOUNT]


def test_a_failed_payment_can_be_reapproved_for_its_next_batch(walk, officer, finance2):
    payment = walk("failed")
    _change_account(payment.person, by=officer)
    services.reapprove_payee(payment, by=finance2, reason="原账号已销户")
    assert Payment.objects.get(pk=payment.pk).payee_account == NEW_ACCOUNT


@pytest.mark.parametrize(
    "who, error",
    [
        ("officer", NotPermitted),  # no approval permission
        ("changer", FourEyesViolation),  # entered the new account
    ],
)
def test_reapproval_refusals(walk, officer, finance, finance2, who, error):
    payment = walk("approved")
    _change_account(payment.person, by=finance2)
    actor = {"officer": officer, "changer": finance2}[who]
    before = Payment.objects.get(pk=payment.pk).payee_account
    with pytest.raises(error):
        services.reapprove_payee(payment, by=actor, reason="x")
    assert Payment.objects.get(pk=payment.pk).payee_account == before


def test_reapproval_needs_a_reason_a_change_and_an_open_state(walk, officer, finance, finance2):
    payment = walk("approved")
    with pytest.raises(InvalidTransition, match="没有变更"):
        services.reapprove_payee(payment, by=finance2, reason="x")
    _change_account(payment.person, by=officer)
    with pytest.raises(ReasonRequired):
        services.reapprove_payee(payment, by=finance2, reason="  ")
    services.create_batch(payment.campaign, [payment.pk], by=finance)
    assert DisbursementBatch.objects.count() == 1
    with pytest.raises(InvalidTransition, match="发放中"):
        services.reapprove_payee(payment, by=finance2, reason="x")


def test_the_drafter_cannot_reapprove(walk, officer, finance, finance2):
    payment = walk("approved")
    _change_account(payment.person, by=finance2)
    # the drafter, even given the approval permission, may not approve their own payment
    officer.groups.add(*finance.groups.all())
    officer = type(officer).objects.get(pk=officer.pk)
    with pytest.raises(FourEyesViolation):
        services.reapprove_payee(payment, by=officer, reason="x")
