import datetime
import random

import pytest

from core.demo import DemoContext
from payments.demo import seed_payments
from payments.models import Campaign, DisbursementBatch, Payment, PaymentStatus
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_demo_seeder_makes_every_state_through_the_services_and_is_safe_twice(
    union_a, officer, finance, leader, administrator
):
    people = [PersonFactory(organisation=union_a) for _ in range(24)]
    ctx = DemoContext(
        seed=7,
        people=24,
        rng=random.Random(7),
        today=datetime.date(2026, 11, 23),
        data={
            "users": {
                "officer": officer,
                "finance": finance,
                "leader": leader,
                "admin": administrator,
            },
            "person_ids": [p.pk for p in people],
        },
    )
    seed_payments(ctx)
    assert set(Payment.objects.values_list("status", flat=True)) == set(PaymentStatus.values)
    current = Campaign.objects.get(name="2026年春节送温暖")
    assert current.copied_from.name == "2025年春节送温暖"
    assert current.standards.count() == 6
    assert set(DisbursementBatch.objects.values_list("status", flat=True)) == {"open", "reconciled"}
    reversed_payment = Payment.objects.get(status=PaymentStatus.REVERSED)
    assert [h.history_user for h in reversed_payment.history.order_by("history_date")][-1] == leader
    count = Payment.objects.count()
    seed_payments(ctx)
    assert Payment.objects.count() == count


def test_demo_season_campaign_is_allocated_to_every_union_and_safe_twice(
    federation, union_a, union_b, officer, finance, administrator
):
    from payments.demo import seed_season
    from payments.models import Allocation

    for _ in range(6):
        PersonFactory(organisation=union_a)
    ctx = DemoContext(
        seed=7,
        people=6,
        rng=random.Random(7),
        today=datetime.date(2026, 12, 2),
        data={"users": {"officer": officer, "finance": finance, "admin": administrator}},
    )
    seed_season(ctx)
    campaign = Campaign.objects.get(name="2027年元旦春节送温暖")
    allocations = dict(
        Allocation.objects.filter(campaign=campaign).values_list("organisation__code", "amount")
    )
    assert set(allocations) == {"EDU01", "HEA01"}
    assert sum(allocations.values()) <= campaign.budget
    statuses = sorted(Payment.objects.filter(campaign=campaign).values_list("status", flat=True))
    assert statuses == ["approved"] * 3 + ["draft"] + ["submitted"] * 2
    seed_season(ctx)
    assert Campaign.objects.filter(name="2027年元旦春节送温暖").count() == 1
