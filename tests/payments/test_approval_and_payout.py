from decimal import Decimal

import pytest

from accounts.roles import Role
from audits.models import AccessLog
from core.access import AccessAction
from payments import services
from payments.exceptions import (
    AnnualCapExceeded,
    BudgetExceeded,
    FourEyesViolation,
    InvalidTransition,
    NotPermitted,
    OutOfScope,
    ReasonRequired,
)
from payments.models import BatchLineResult, PaymentStatus
from payments.selectors import campaign_budget
from tests.audit_helpers import assert_audit_intact
from tests.factories import make_user

from .factories import CampaignFactory, payment_in_state
from .helpers import assert_unchanged, snapshot

pytestmark = pytest.mark.django_db


def test_first_approval_records_approver_and_reason(walk, finance):
    payment = walk("submitted")
    services.approve_payment(payment, by=finance)
    assert payment.status == PaymentStatus.APPROVED
    payment.refresh_from_db()
    assert payment.approved_by == finance and payment.approved_at is not None
    latest = payment.history.first()
    assert latest.history_user == finance and latest.history_change_reason == "一级审批通过"


def test_submitter_cannot_approve_own_payment_and_the_refusal_is_logged(walk, officer, federation):
    payment = walk("submitted")
    both = make_user(Role.CASE_OFFICER, federation)
    both.groups.add(*make_user(Role.FINANCE, federation).groups.all())
    payment.submitted_by = both  # a user holding both roles who submitted it
    payment.save(update_fields=["submitted_by"])
    before = snapshot(payment)
    with pytest.raises(FourEyesViolation):
        services.approve_payment(payment, by=both)
    assert_unchanged(payment, before)
    log = AccessLog.objects.get(action=AccessAction.FOUR_EYES)
    assert log.user == both and log.object_id == str(payment.pk)
    assert log.detail["step"] == "approve_payment"


def test_wrong_roles_cannot_approve(walk, officer, auditor):
    payment = walk("submitted")
    before = snapshot(payment)
    for user in (officer, auditor):
        with pytest.raises(NotPermitted):
            services.approve_payment(payment, by=user)
    assert_unchanged(payment, before)


def test_finance_of_another_union_cannot_approve(walk, union_b):
    payment = walk("submitted")
    outsider = make_user(Role.FINANCE, union_b)
    before = snapshot(payment)
    with pytest.raises(OutOfScope):
        services.approve_payment(payment, by=outsider)
    assert_unchanged(payment, before)


@pytest.mark.parametrize("state", ["draft", "rejected", "cancelled", "paid", "in_batch"])
def test_approval_in_the_wrong_state_is_refused(walk, finance2, state):
    payment = walk(state)
    before = snapshot(payment)
    with pytest.raises(InvalidTransition):
        services.approve_payment(payment, by=finance2)
    assert_unchanged(payment, before)


def test_small_approved_payment_needs_no_second_approval(walk, leader):
    payment = walk("approved")
    before = snapshot(payment)
    with pytest.raises(InvalidTransition):
        services.approve_payment(payment, by=leader)
    assert_unchanged(payment, before)


def test_large_payment_needs_the_leaders_second_approval(walk, finance, finance2, leader):
    payment = walk("approved", amount="1200")
    before = snapshot(payment)
    with pytest.raises(NotPermitted, match="分管领导"):
        services.approve_payment(payment, by=finance2)
    assert_unchanged(payment, before)
    with pytest.raises(FourEyesViolation):
        services.approve_payment(payment, by=finance)
    services.approve_payment(payment, by=leader)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SECOND_APPROVED
    assert payment.second_approved_by == leader
    assert payment.history.first().history_change_reason == "二级审批通过"
    assert_audit_intact()


def test_first_approver_cannot_second_approve(federation, walk):
    payment = walk("submitted", amount="1200")
    chief = make_user(Role.LEADER, federation)
    services.approve_payment(payment, by=chief)
    before = snapshot(payment)
    with pytest.raises(FourEyesViolation, match="另一人"):
        services.approve_payment(payment, by=chief)
    assert_unchanged(payment, before)
    assert AccessLog.objects.filter(action=AccessAction.FOUR_EYES, user=chief).exists()


def test_approved_over_threshold_cannot_be_batched_until_second_approved(
    walk, campaign, finance, leader
):
    from payments.exceptions import BatchRefused

    payment = walk("approved", amount="1200")
    with pytest.raises(BatchRefused, match="尚不能发放"):
        services.create_batch(campaign, [payment.pk], by=finance)
    services.approve_payment(payment, by=leader)
    batch = services.create_batch(campaign, [payment.pk], by=finance)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.IN_BATCH and payment.batch == batch


def test_budget_is_never_exceeded(federation, administrator, officer, finance, finance2, leader):
    small = CampaignFactory(
        organisation=federation, created_by=administrator, budget=Decimal("1000.00")
    )
    first = payment_in_state("submitted", campaign=small, officer=officer, finance=finance)
    second = payment_in_state("submitted", campaign=small, officer=officer, finance=finance)
    third = payment_in_state("submitted", campaign=small, officer=officer, finance=finance)
    services.approve_payment(first, by=finance)
    services.approve_payment(second, by=finance)
    before = snapshot(third)
    with pytest.raises(BudgetExceeded, match="余额不足"):
        services.approve_payment(third, by=finance)
    assert_unchanged(third, before)
    budget = campaign_budget(small)
    assert budget.committed == Decimal("1000.00") and budget.remaining == Decimal("0.00")


def test_annual_cap_is_enforced_at_approval_across_campaigns(
    federation, administrator, officer, finance, case
):
    one = CampaignFactory(organisation=federation, created_by=administrator)
    two = CampaignFactory(organisation=federation, created_by=administrator)
    p1 = services.draft_payment(case, one, by=officer, amount="2600", justification="重病")
    p2 = services.draft_payment(case, two, by=officer)
    services.submit_payment(p1, by=officer)
    services.submit_payment(p2, by=officer)
    services.approve_payment(p1, by=finance)
    before = snapshot(p2)
    with pytest.raises(AnnualCapExceeded):
        services.approve_payment(p2, by=finance)
    assert_unchanged(p2, before)


def test_reject_needs_a_reason_and_records_it(walk, finance):
    payment = walk("submitted")
    before = snapshot(payment)
    with pytest.raises(ReasonRequired):
        services.reject_payment(payment, by=finance, reason="  ")
    assert_unchanged(payment, before)
    services.reject_payment(payment, by=finance, reason="缺少走访记录")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REJECTED
    assert payment.rejection_reason == "缺少走访记录" and payment.rejected_by == finance
    assert payment.history.first().history_change_reason == "缺少走访记录"


def test_leader_can_reject_at_second_approval_but_finance_cannot(walk, finance2, leader):
    payment = walk("approved", amount="1500")
    with pytest.raises(NotPermitted):
        services.reject_payment(payment, by=finance2, reason="超标准")
    services.reject_payment(payment, by=leader, reason="超标准过多")
    assert payment.status == PaymentStatus.REJECTED


@pytest.mark.parametrize("state", ["draft", "approved", "paid"])
def test_reject_in_the_wrong_state_is_refused(walk, finance2, state):
    payment = walk(state)
    before = snapshot(payment)
    with pytest.raises(InvalidTransition):
        services.reject_payment(payment, by=finance2, reason="x")
    assert_unchanged(payment, before)


def test_officer_cannot_reject(walk, officer):
    payment = walk("submitted")
    with pytest.raises(NotPermitted):
        services.reject_payment(payment, by=officer, reason="x")


def test_mark_paid_and_failed_update_the_batch_line(walk, finance):
    paid = walk("paid")
    line = paid.batch_lines.get()
    assert line.result == BatchLineResult.PAID and line.bank_serial == "SN0001"
    assert paid.paid_by == finance and paid.status == PaymentStatus.PAID
    assert paid.batch.status == "reconciled"
    failed = walk("failed")
    failed.refresh_from_db()
    line = failed.batch_lines.get()
    assert line.result == BatchLineResult.FAILED and line.failure_reason == "账号不存在"
    assert failed.failure_reason == "账号不存在"
    assert_audit_intact()


def test_mark_paid_before_the_batch_is_sent_is_refused(walk, finance):
    payment = walk("in_batch")
    before = snapshot(payment)
    with pytest.raises(InvalidTransition, match="尚未发送"):
        services.mark_paid(payment, by=finance)
    assert_unchanged(payment, before)


def test_mark_paid_twice_is_refused(walk, finance):
    payment = walk("paid")
    before = snapshot(payment)
    with pytest.raises(InvalidTransition):
        services.mark_paid(payment, by=finance)
    assert_unchanged(payment, before)


def test_bank_payment_cannot_be_marked_paid_outside_a_batch(walk, finance):
    payment = walk("approved")
    with pytest.raises(InvalidTransition):
        services.mark_paid(payment, by=finance)


def test_cash_payment_is_marked_paid_once_approved(walk, finance, leader):
    payment = walk("approved", method="cash")
    services.mark_paid(payment, by=finance)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.paid_by == finance
    with pytest.raises(NotPermitted):
        services.mark_paid(walk("approved", method="cash"), by=leader)


def test_mark_failed_needs_a_reason_and_a_batch(walk, finance):
    payment = walk("in_batch")
    with pytest.raises(ReasonRequired):
        services.mark_failed(payment, by=finance, reason="")
    with pytest.raises(InvalidTransition):
        services.mark_failed(walk("approved"), by=finance, reason="x")


def test_failed_payment_returns_to_the_pool_and_is_paid_in_a_new_batch(walk, campaign, finance):
    payment = walk("failed")
    second = services.create_batch(campaign, [payment.pk], by=finance)
    services.mark_batch_sent(second, by=finance)
    services.mark_paid(payment, by=finance, bank_serial="SN9")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.batch == second
    assert payment.batch_lines.count() == 2


def test_reversal_by_someone_who_neither_approved_nor_paid_it(walk, finance, finance2):
    payment = walk("paid")
    before = snapshot(payment)
    with pytest.raises(FourEyesViolation):
        services.reverse_payment(payment, by=finance, reason="重复发放")
    assert_unchanged(payment, before)
    assert AccessLog.objects.filter(action=AccessAction.FOUR_EYES, user=finance).exists()
    with pytest.raises(ReasonRequired):
        services.reverse_payment(payment, by=finance2, reason="")
    services.reverse_payment(payment, by=finance2, reason="重复发放，已退回")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REVERSED and payment.reversed_by == finance2
    assert payment.history.first().history_change_reason == "重复发放，已退回"


def test_reversal_only_from_paid_and_not_by_officers(walk, finance2, officer):
    payment = walk("approved")
    with pytest.raises(InvalidTransition):
        services.reverse_payment(payment, by=finance2, reason="x")
    with pytest.raises(NotPermitted):
        services.reverse_payment(walk("paid"), by=officer, reason="x")


def test_reversed_money_returns_to_the_budget(walk, campaign):
    walk("reversed")
    budget = campaign_budget(campaign)
    assert budget.paid == Decimal("0.00") and budget.remaining == campaign.budget


def test_budget_view_sums_each_state(walk, campaign):
    walk("submitted")
    walk("approved")
    walk("in_batch")
    walk("paid")
    walk("rejected")
    budget = campaign_budget(campaign)
    assert budget.submitted == Decimal("500.00")
    assert budget.approved == Decimal("1000.00")
    assert budget.paid == Decimal("500.00")
    assert budget.remaining == Decimal("8500.00")
