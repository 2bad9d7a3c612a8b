"""`approve_payments`: the set-based bulk approval gives each payment the outcome `approve_payment`
would give called once per payment in the same order, at a cost that does not grow with rows."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audits.models import AccessLog, ChangeEntry
from core.errors import RuleViolation
from payments import services
from payments.exceptions import (
    AllocationExceeded,
    AnnualCapExceeded,
    BudgetExceeded,
    CampaignNotOpen,
    FourEyesViolation,
    HardshipFileNotCurrent,
    InvalidTransition,
    NotPermitted,
    OutOfScope,
)
from payments.models import Campaign, Payment, PaymentStatus
from tests.audit_helpers import assert_audit_intact

from .bulk_pool import build_pool
from .factories import case_in
from .helpers import assert_unchanged, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(federation, union_a, union_b, officer, officer_b, finance, leader, administrator):
    return build_pool(
        federation=federation,
        union_a=union_a,
        union_b=union_b,
        officer=officer,
        officer_b=officer_b,
        finance=finance,
        leader=leader,
        admin=administrator,
    )


def fresh(pool, keys):
    """New instances, as the view reads them, so one path's in-memory updates do not leak."""
    ids = [pool.payments[k].pk for k in keys]
    found = Payment.objects.in_bulk(set(ids))
    return [found[i] for i in ids]


def one_by_one(payments, by):
    """What the approval queue's bulk action did before: the single service per payment."""
    outcomes = []
    for payment in payments:
        try:
            services.approve_payment(payment, by=by)
        except RuleViolation as exc:
            outcomes.append(exc)
        else:
            outcomes.append(None)
    return outcomes


def in_bulk(payments, by):
    return [o.error for o in services.approve_payments(payments, by=by)]


def observe(run, pool, keys, by):
    """Run one path in a savepoint that is rolled back; return what it did."""
    with transaction.atomic():
        logged = AccessLog.objects.count()
        payments = fresh(pool, keys)
        errors = run(payments, by)
        states = {
            p.pk: (
                p.status,
                p.approved_by_id,
                p.second_approved_by_id,
                p.payee_account,
                p.history.count(),
                p.history.first().history_user_id,
                p.history.first().history_change_reason,
            )
            for p in Payment.objects.filter(pk__in={p.pk for p in payments})
        }
        caller = [(p.status, p.approved_by_id, p.second_approved_by_id) for p in payments]
        four_eyes = list(
            AccessLog.objects.order_by("id")[logged:].values_list("action", "object_id", "detail")
        )
        transaction.set_rollback(True)
    outcome = [(type(e).__name__, e.message) if e else None for e in errors]
    return outcome, states, caller, four_eyes


KEYS = [
    "a500",
    "a800_shared",
    "b1200_over_threshold",
    "b500",
    "alloc_a500_shared",
    "alloc_a500",
    "alloc_a400",
    "alloc_b500_unallocated",
    "closed_a500",
    "draft",
    "no_file",
    "own",
    "first_by_finance",
    "first_by_leader",
]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    actor=st.sampled_from(["finance", "finance_a", "leader", "officer", "dual"]),
    keys=st.lists(st.sampled_from(KEYS), min_size=1, max_size=10),
    budget=st.sampled_from(["1000.00", "1300.00", "2000.00", "5000.00"]),
)
def test_bulk_and_one_by_one_give_every_payment_the_same_outcome(pool, actor, keys, budget):
    by = pool.actors[actor]
    with transaction.atomic():
        Campaign.objects.filter(pk=pool.campaigns["main"].pk).update(budget=Decimal(budget))
        expected = observe(one_by_one, pool, keys, by)
        got = observe(in_bulk, pool, keys, by)
        transaction.set_rollback(True)
    assert got == expected


REFUSALS = [
    ("officer", ["a500"], NotPermitted, "没有审批慰问金的权限"),
    ("finance_a", ["b500"], OutOfScope, "不在您的管理范围内"),
    ("dual", ["own"], FourEyesViolation, "起草或提交"),
    ("leader", ["first_by_leader"], FourEyesViolation, "一级审批人以外"),
    ("finance_a", ["first_by_finance"], NotPermitted, "分管领导"),
    ("finance", ["draft"], InvalidTransition, "草稿"),
    ("finance", ["closed_a500"], CampaignNotOpen, "未在进行中"),
    ("finance", ["a800_shared", "a500", "b1200_over_threshold"], BudgetExceeded, "活动预算"),
    ("finance", ["alloc_a500_shared", "alloc_a500", "alloc_a400"], AllocationExceeded, "余额不足"),
    ("finance", ["alloc_a400", "alloc_b500_unallocated"], AllocationExceeded, "未向"),
    ("finance", ["a800_shared", "alloc_a500_shared"], AnnualCapExceeded, "年度上限"),
    ("finance", ["no_file"], HardshipFileNotCurrent, "建档"),
]


def test_each_refusal_names_its_reason_and_changes_nothing(pool):
    """The last payment of each case is refused for its reason, the earlier ones using up what
    it needs (one pool, each case in a savepoint rolled back)."""
    for actor, keys, error, words in REFUSALS:
        with transaction.atomic():
            payments = fresh(pool, keys)
            last = payments[-1]
            before = snapshot(last)

            outcomes = services.approve_payments(payments, by=pool.actors[actor])

            assert all(o.ok for o in outcomes[:-1]), (actor, keys)
            assert isinstance(outcomes[-1].error, error), (actor, keys, outcomes[-1].error)
            assert words in outcomes[-1].error.message, (actor, keys)
            assert_unchanged(last, before)
            transaction.set_rollback(True)


def test_allocation_places_run_out_within_one_bulk(pool, federation, finance):
    """Union A has 2 places: the third payment in one call is refused for the places."""
    Campaign.objects.filter(pk=pool.campaigns["allocated"].pk).update(annual_cap=Decimal("1e4"))
    from payments.models import Allocation

    Allocation.objects.filter(campaign=pool.campaigns["allocated"]).update(amount=Decimal("1e4"))
    payments = fresh(pool, ["alloc_a500", "alloc_a400", "alloc_a500_shared"])

    outcomes = services.approve_payments(payments, by=finance)

    assert [o.ok for o in outcomes] == [True, True, False]
    assert isinstance(outcomes[2].error, AllocationExceeded) and "名额" in outcomes[2].error.message


def test_a_refusal_does_not_stop_the_others_and_each_is_attributed(pool, finance):
    payments = fresh(pool, ["a500", "draft", "b500"])

    outcomes = services.approve_payments(payments, by=finance)

    assert [o.ok for o in outcomes] == [True, False, True]
    for payment in (payments[0], payments[2]):
        assert payment.status == PaymentStatus.APPROVED  # the caller's instance is brought up
        stored = Payment.objects.get(pk=payment.pk)
        assert stored.status == PaymentStatus.APPROVED and stored.approved_by == finance
        assert stored.payee_account == stored.person.bank_account
        latest = stored.history.first()
        assert latest.history_user == finance
        assert latest.history_change_reason == "一级审批通过"
        assert ChangeEntry.objects.filter(
            model="payments.payment", history_id=latest.history_id
        ).exists()
    assert_audit_intact()


def test_the_leader_second_approves_in_bulk(pool, leader, finance):
    payments = fresh(pool, ["first_by_finance", "a500"])

    outcomes = services.approve_payments(payments, by=leader)

    assert all(o.ok for o in outcomes)
    second, first = (Payment.objects.get(pk=p.pk) for p in payments)
    assert second.status == PaymentStatus.SECOND_APPROVED
    assert second.second_approved_by == leader and second.approved_by == finance
    assert second.history.first().history_change_reason == "二级审批通过"
    assert first.status == PaymentStatus.APPROVED and first.approved_by == leader
    assert_audit_intact()


def test_a_refused_four_eyes_attempt_is_written_to_the_access_log(pool):
    dual = pool.actors["dual"]
    payments = fresh(pool, ["own"])

    services.approve_payments(payments, by=dual)

    entry = AccessLog.objects.filter(action="four_eyes").latest("id")
    assert entry.user == dual and entry.object_id == str(payments[0].pk)
    assert entry.detail["step"] == "approve_payment"


def test_a_payment_asked_twice_is_approved_once(pool, finance):
    payments = fresh(pool, ["a500", "a500"])

    outcomes = services.approve_payments(payments, by=finance)

    assert outcomes[0].ok and isinstance(outcomes[1].error, InvalidTransition)
    assert Payment.objects.get(pk=payments[0].pk).history.count() == 3  # +, submit, approve


def test_over_threshold_first_approvals_tell_the_leaders_after_commit(
    pool, finance, leader, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    payments = fresh(pool, ["b1200_over_threshold"])
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_payments(payments, by=finance)

    assert Notification.objects.filter(recipient=leader, kind="second_approval").count() == 1


def _queries_for(count, campaign, union, officer, finance):
    payments = []
    for _ in range(count):
        payment = services.draft_payment(case_in(union, officer=officer), campaign, by=officer)
        payments.append(services.submit_payment(payment, by=officer))
    with CaptureQueriesContext(connection) as context:
        outcomes = services.approve_payments(payments, by=finance)
    assert all(o.ok for o in outcomes)
    return len(context.captured_queries)


def test_the_statements_of_a_bulk_approval_do_not_grow_with_its_payments(
    campaign, union_a, officer, finance
):
    Campaign.objects.filter(pk=campaign.pk).update(budget=Decimal("100000.00"))
    _queries_for(1, campaign, union_a, officer, finance)  # warm the per-process caches
    few = _queries_for(2, campaign, union_a, officer, finance)
    many = _queries_for(12, campaign, union_a, officer, finance)
    assert many == few
