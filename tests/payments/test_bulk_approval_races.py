"""Bulk approvals racing each other and single approvals on PostgreSQL: whatever the timing, the
budget, the unions' allocations (money and places) and the annual cap are never exceeded, each
payment is approved once, and nothing deadlocks."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Sum

from accounts.roles import Role
from core.errors import RuleViolation
from payments import services
from payments.exceptions import (
    AllocationExceeded,
    AnnualCapExceeded,
    BudgetExceeded,
    InvalidTransition,
)
from payments.models import Payment, PaymentStatus
from payments.selectors import COMMITTED
from tests.audit_helpers import assert_audit_intact
from tests.factories import make_user

from .factories import CampaignFactory, case_in
from .test_concurrency import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
EXPECTED = (BudgetExceeded, AllocationExceeded, AnnualCapExceeded, InvalidTransition)


def submitted(campaign, case, officer):
    payment = services.draft_payment(case, campaign, by=officer)  # the standard: 500
    return services.submit_payment(payment, by=officer)


def committed(campaign, **filters):
    return Payment.objects.filter(campaign=campaign, status__in=COMMITTED, **filters).aggregate(
        money=Sum("amount"), places=Count("id")
    )


def assert_approved_once(payments):
    for payment in Payment.objects.filter(pk__in=[p.pk for p in payments]):
        approvals = payment.history.filter(status=PaymentStatus.APPROVED).count()
        assert approvals <= 1, payment.reference


def bulk(payments, by):
    """A bulk approval in its own thread: the refusals it reported."""
    outcomes = services.approve_payments([Payment.objects.get(pk=p.pk) for p in payments], by=by)
    return [o.error for o in outcomes if not o.ok]


@pytest.fixture
def season(federation, union_a, union_b, officer, officer_b, administrator):
    """Budget 4,000 for 20 payments of 500; union A has 2,500 and 4 places, union B 1,500 and 4
    places; the annual cap (800) lets each person have one payment of 500 across campaigns."""
    main = CampaignFactory(
        organisation=federation, created_by=administrator, budget=Decimal("4000.00"),
        annual_cap=Decimal("800.00"),
    )  # fmt: skip
    other = CampaignFactory(
        organisation=federation, created_by=administrator, annual_cap=Decimal("800.00")
    )
    services.allocate_campaign(main, union_a, by=administrator, amount="2500", places=4)
    services.allocate_campaign(main, union_b, by=administrator, amount="1500", places=4)
    cases = [case_in(union_a, officer=officer) for _ in range(12)]
    cases += [case_in(union_b, officer=officer_b) for _ in range(8)]
    officers = [officer] * 12 + [officer_b] * 8
    payments = [submitted(main, c, o) for c, o in zip(cases, officers, strict=True)]
    elsewhere = [submitted(other, c, officer) for c in cases[:6]]  # the same people
    return main, other, payments, elsewhere


def assert_limits_held(main, other, union_a, union_b):
    total = committed(main)
    assert total["money"] <= Decimal("4000.00")
    a = committed(main, organisation__path__startswith=union_a.path)
    b = committed(main, organisation__path__startswith=union_b.path)
    assert (a["money"] or 0) <= Decimal("2500.00") and a["places"] <= 4
    assert (b["money"] or 0) <= Decimal("1500.00") and b["places"] <= 4
    per_person = (
        Payment.objects.filter(status__in=COMMITTED, campaign__in=[main, other])
        .values("person_id")
        .annotate(total=Sum("amount"))
    )
    assert all(row["total"] <= Decimal("800.00") for row in per_person)


def test_two_overlapping_bulk_approvals_and_one_in_another_campaign_keep_every_limit(
    season, union_a, union_b, finance, finance2, federation
):
    main, other, payments, elsewhere = season
    finance3 = make_user(Role.FINANCE, federation, username="finance3")

    results = race(
        [
            lambda: bulk(payments[:15], finance),
            lambda: bulk(list(reversed(payments[5:])), finance2),
            lambda: bulk(elsewhere, finance3),
        ]
    )

    for result in results:
        assert isinstance(result, list), result  # no deadlock, no error
        assert all(isinstance(e, EXPECTED) for e in result), result
    assert_limits_held(main, other, union_a, union_b)
    assert_approved_once(payments + elsewhere)
    # The limits were reached, not merely respected: places in A, money in B.
    assert committed(main, organisation__path__startswith=union_a.path)["places"] == 4
    assert_audit_intact()


def test_a_bulk_approval_racing_single_approvals_keeps_every_limit(
    season, union_a, union_b, finance, finance2
):
    main, other, payments, elsewhere = season

    def single(payment, by):
        try:
            services.approve_payment(Payment.objects.get(pk=payment.pk), by=by)
        except RuleViolation as exc:
            return [exc]
        return []

    workers = [lambda: bulk(payments, finance)]
    workers += [lambda p=p: single(p, finance2) for p in payments[::3]]
    workers += [lambda p=p: single(p, finance2) for p in elsewhere[:3]]

    results = race(workers)

    for result in results:
        assert isinstance(result, list), result
        assert all(isinstance(e, EXPECTED) for e in result), result
    assert_limits_held(main, other, union_a, union_b)
    assert_approved_once(payments + elsewhere)
    assert_audit_intact()
