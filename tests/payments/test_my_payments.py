"""我的慰问金: the officer sees their payments and why one was rejected, and resubmits it on the
same record with its history kept (issue 15 item 3)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from payments import services
from payments.exceptions import (
    DuplicateLivePayment,
    InvalidTransition,
    NotPermitted,
    OutOfScope,
    ReasonRequired,
)
from payments.models import Payment, PaymentStatus

from .factories import case_in

pytestmark = pytest.mark.django_db

MINE = reverse("payments:my_payments")


def test_resubmitting_a_rejected_payment_keeps_one_record_and_its_history(walk, officer, finance):
    payment = walk("rejected")
    services.resubmit_payment(
        payment, by=officer, reason="已补齐病历材料", amount="450.00", justification="按病情调整"
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUBMITTED
    assert payment.amount == Decimal("450.00") and payment.submitted_by == officer
    assert payment.rejection_reason == "" and payment.rejected_by is None
    rows = list(payment.history.order_by("history_date", "history_id"))
    assert [r.status for r in rows][-2:] == ["rejected", "submitted"]
    assert rows[-2].rejection_reason == "材料不全" and rows[-2].history_user == finance
    assert rows[-1].history_change_reason == "已补齐病历材料" and rows[-1].history_user == officer
    services.approve_payment(payment, by=finance)
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.APPROVED


def test_a_payment_rejected_at_second_approval_starts_the_approvals_again(
    walk, officer, finance, leader
):
    payment = walk("approved", amount=Decimal("1500.00"))
    services.reject_payment(payment, by=leader, reason="超出标准过多")
    services.resubmit_payment(payment, by=officer, reason="已说明特殊困难")
    payment.refresh_from_db()
    assert payment.approved_by is None and payment.approved_at is None
    services.approve_payment(payment, by=finance)
    services.approve_payment(payment, by=leader)
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SECOND_APPROVED


def test_only_a_rejected_payment_can_be_resubmitted_and_a_reason_is_required(walk, officer):
    submitted = walk("submitted")
    with pytest.raises(InvalidTransition, match="只有被驳回"):
        services.resubmit_payment(submitted, by=officer, reason="再交一次")
    rejected = walk("rejected", case=case_in(officer.organisation, officer=officer))
    with pytest.raises(ReasonRequired):
        services.resubmit_payment(rejected, by=officer, reason="  ")
    assert Payment.objects.get(pk=rejected.pk).status == PaymentStatus.REJECTED


def test_resubmitting_is_refused_when_another_payment_went_live_meanwhile(walk, officer, campaign):
    rejected = walk("rejected")
    services.draft_payment(rejected.case, campaign, by=officer)
    with pytest.raises(DuplicateLivePayment):
        services.resubmit_payment(rejected, by=officer, reason="再次提交")
    assert Payment.objects.get(pk=rejected.pk).status == PaymentStatus.REJECTED


def test_other_unions_finance_and_auditors_cannot_resubmit(walk, officer_b, finance, auditor):
    payment = walk("rejected")
    with pytest.raises(OutOfScope):
        services.resubmit_payment(payment, by=officer_b, reason="越权")
    for user in (finance, auditor):
        with pytest.raises(NotPermitted):
            services.resubmit_payment(payment, by=user, reason="越权")
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.REJECTED


def test_my_payments_lists_mine_with_state_amount_campaign_and_the_rejection_reason(
    client, walk, officer, officer_b, union_b, campaign
):
    rejected = walk("rejected")
    walk("submitted", case=case_in(officer.organisation, officer=officer))
    others = services.draft_payment(case_in(union_b, officer=officer_b), campaign, by=officer_b)
    client.force_login(officer)
    body = client.get(MINE).content.decode()
    assert rejected.reference in body and "材料不全" in body and "¥500.00" in body
    assert campaign.name in body and others.reference not in body
    body = client.get(MINE + "?state=rejected").content.decode()
    assert rejected.reference in body and body.count("badge-err") >= 1
    body = client.get(MINE + "?state=in_review").content.decode()
    assert rejected.reference not in body


@pytest.mark.parametrize("rows", [1, 6])
def test_my_payments_runs_a_fixed_number_of_queries(
    client, walk, officer, rows, django_assert_num_queries
):
    for _ in range(rows):
        walk("rejected", case=case_in(officer.organisation, officer=officer))
    client.force_login(officer)
    client.get(MINE)
    with django_assert_num_queries(10):
        client.get(MINE)


def test_the_dashboard_counts_rejected_and_waiting_payments(client, walk, officer):
    walk("rejected")
    walk("submitted", case=case_in(officer.organisation, officer=officer))
    client.force_login(officer)
    body = client.get(reverse("cases:dashboard")).content.decode()
    assert "被驳回的慰问金" in body and f'href="{MINE}?state=rejected"' in body
    assert "待处理" in body


def test_the_payment_page_offers_resubmission_and_the_post_resubmits(client, walk, officer):
    payment = walk("rejected")
    client.force_login(officer)
    body = client.get(payment.get_absolute_url()).content.decode()
    assert "修改后重新提交" in body and "材料不全" in body
    url = reverse("payments:payment_resubmit", args=[payment.pk])
    response = client.post(url, {"reason": "", "amount": "500.00"}, follow=True)
    assert "针对驳回意见的修改说明" in response.content.decode()
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.REJECTED
    client.post(url, {"reason": "已补材料", "amount": "500.00", "justification": ""})
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUBMITTED


def test_finance_sees_no_resubmit_form(client, walk, finance):
    payment = walk("rejected")
    client.force_login(finance)
    assert "修改后重新提交" not in client.get(payment.get_absolute_url()).content.decode()
