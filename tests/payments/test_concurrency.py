"""Races on PostgreSQL (SQLite ignores FOR UPDATE): the invariants hold whatever the timing."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from accounts.roles import Role
from core.errors import RuleViolation
from payments import services
from payments.exceptions import (
    AllocationExceeded,
    BudgetExceeded,
    DuplicateLivePayment,
    InvalidTransition,
)
from payments.models import Allocation, Payment, PaymentStatus
from payments.selectors import campaign_budget
from tests.factories import make_user

from .factories import CampaignFactory, case_in

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def race(workers):
    """Run each callable in its own thread, released together; return results or exceptions."""
    barrier = threading.Barrier(len(workers))
    results: list = [None] * len(workers)

    def run(index, work):
        try:
            barrier.wait(timeout=10)
            results[index] = work()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_twenty_approvals_against_a_budget_for_ten(
    federation, union_a, officer, finance, administrator
):
    campaign = CampaignFactory(
        organisation=federation, created_by=administrator, budget=Decimal("5000.00")
    )
    payments = []
    for _ in range(20):
        payment = services.draft_payment(case_in(union_a, officer=officer), campaign, by=officer)
        services.submit_payment(payment, by=officer)
        payments.append(payment)

    results = race([lambda p=p: services.approve_payment(p, by=finance) for p in payments])

    refused = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, BudgetExceeded) for r in refused), refused
    assert len(refused) == 10
    assert Payment.objects.filter(status=PaymentStatus.APPROVED).count() == 10
    budget = campaign_budget(campaign)
    assert budget.approved == Decimal("5000.00") and budget.remaining == Decimal("0.00")


def test_two_approvers_on_one_payment_one_wins_the_other_is_told(
    federation, union_a, officer, finance, finance2, administrator
):
    campaign = CampaignFactory(organisation=federation, created_by=administrator)
    payment = services.draft_payment(case_in(union_a, officer=officer), campaign, by=officer)
    services.submit_payment(payment, by=officer)

    results = race(
        [
            lambda: services.approve_payment(Payment.objects.get(pk=payment.pk), by=finance),
            lambda: services.approve_payment(Payment.objects.get(pk=payment.pk), by=finance2),
        ]
    )

    winners = [r for r in results if isinstance(r, Payment)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1
    assert isinstance(losers[0], InvalidTransition)
    assert "已审批" in str(losers[0])
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED
    assert payment.approved_by_id == winners[0].approved_by_id
    assert payment.history.filter(history_change_reason="一级审批通过").count() == 1


def test_two_officers_drafting_for_one_person_the_database_refuses_the_second(
    federation, union_a, officer, administrator, monkeypatch
):
    campaign = CampaignFactory(organisation=federation, created_by=administrator)
    colleague = make_user(Role.CASE_OFFICER, union_a)
    case = case_in(union_a, officer=officer)

    # Both officers pass the application's check before either inserts, so only the partial
    # unique constraint can stop the second one.
    from payments.services import payments as module

    original = module.check_no_live_payment
    gate = threading.Barrier(2)
    local = threading.local()

    def check_then_wait(*args, **kwargs):
        original(*args, **kwargs)
        if not getattr(local, "waited", False):
            local.waited = True
            gate.wait(timeout=10)

    monkeypatch.setattr(module, "check_no_live_payment", check_then_wait)

    results = race(
        [
            lambda: services.draft_payment(case, campaign, by=officer),
            lambda: services.draft_payment(case, campaign, by=colleague),
        ]
    )

    winners = [r for r in results if isinstance(r, Payment)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], DuplicateLivePayment)
    assert Payment.objects.filter(person=case.person, campaign=campaign).count() == 1


def test_two_officers_submitting_the_same_draft_one_wins(
    federation, union_a, officer, administrator
):
    campaign = CampaignFactory(organisation=federation, created_by=administrator)
    colleague = make_user(Role.CASE_OFFICER, union_a)
    payment = services.draft_payment(case_in(union_a, officer=officer), campaign, by=officer)

    results = race(
        [
            lambda: services.submit_payment(Payment.objects.get(pk=payment.pk), by=officer),
            lambda: services.submit_payment(Payment.objects.get(pk=payment.pk), by=colleague),
        ]
    )

    losers = [r for r in results if isinstance(r, RuleViolation)]
    assert len(losers) == 1 and isinstance(losers[0], InvalidTransition)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUBMITTED
    assert payment.history.filter(history_change_reason="提交审批").count() == 1


def test_two_campaigns_approving_one_person_at_once_keep_the_annual_cap(
    federation, union_a, officer, finance, finance2, administrator
):
    first = CampaignFactory(organisation=federation, created_by=administrator)
    second = CampaignFactory(organisation=federation, created_by=administrator)
    case = case_in(union_a, officer=officer)
    payments = []
    for campaign in (first, second):
        payment = services.draft_payment(
            case, campaign, by=officer, amount="2000", justification="重病住院"
        )
        services.submit_payment(payment, by=officer)
        payments.append(payment)

    results = race(
        [
            lambda: services.approve_payment(payments[0], by=finance),
            lambda: services.approve_payment(payments[1], by=finance2),
        ]
    )

    from payments.exceptions import AnnualCapExceeded

    assert sorted(type(r).__name__ for r in results) == ["AnnualCapExceeded", "Payment"]
    assert any(isinstance(r, AnnualCapExceeded) for r in results)
    assert Payment.objects.filter(person=case.person, status=PaymentStatus.APPROVED).count() == 1


def test_twenty_approvals_against_a_unions_allocation_for_five(
    federation, union_a, union_b, officer, finance, administrator
):
    """The budget would hold all twenty; union A's allocation holds five, whatever the timing."""
    campaign = CampaignFactory(
        organisation=federation, created_by=administrator, budget=Decimal("100000.00")
    )
    services.allocate_campaign(campaign, union_a, by=administrator, amount="2500", places=20)
    services.allocate_campaign(campaign, union_b, by=administrator, amount="50000", places=50)
    payments = []
    for _ in range(20):
        payment = services.draft_payment(case_in(union_a, officer=officer), campaign, by=officer)
        services.submit_payment(payment, by=officer)
        payments.append(payment)
    raiser = make_user(Role.ADMINISTRATOR, federation, username="raiser")
    workers = [lambda p=p: services.approve_payment(p, by=finance) for p in payments]
    # An administrator lowering the allocation races the approvals too.
    workers.append(
        lambda: services.allocate_campaign(
            campaign, union_a, by=raiser, amount="2500", places=5, reason="压缩名额"
        )
    )

    results = race(workers)

    refused = [r for r in results[:20] if isinstance(r, Exception)]
    assert all(isinstance(r, AllocationExceeded) for r in refused), refused
    assert len(refused) == 15
    approved = Payment.objects.filter(status=PaymentStatus.APPROVED)
    assert approved.count() == 5 and sum(p.amount for p in approved) == Decimal("2500.00")
    assert not isinstance(results[20], Exception), results[20]
    assert Allocation.objects.get(campaign=campaign, organisation=union_a).places == 5
