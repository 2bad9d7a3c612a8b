import datetime
import random

import pytest

from core.demo import DemoContext
from recuperation.demo import NAME, seed_recuperation
from recuperation.models import Nomination, NominationStatus, Programme
from tests.audit_helpers import assert_audit_intact

from .factories import medical_person

pytestmark = pytest.mark.django_db


def test_demo_programme_has_three_sessions_and_every_state_and_is_safe_twice(
    union_a, union_b, officer, finance, leader, administrator
):
    for _ in range(20):
        medical_person(union_a)
    ctx = DemoContext(
        seed=3,
        people=20,
        rng=random.Random(3),
        today=datetime.date(2026, 12, 2),
        data={
            "users": {
                "officer": officer,
                "finance": finance,
                "leader": leader,
                "admin": administrator,
            }
        },
    )
    seed_recuperation(ctx)
    programme = Programme.objects.get(name=NAME)
    assert programme.year == 2026 and programme.sessions.count() == 3
    states = set(Nomination.objects.values_list("status", flat=True))
    assert states == set(NominationStatus.values)
    assert Nomination.objects.filter(replaces__isnull=False).count() == 2
    seed_recuperation(ctx)
    assert Programme.objects.count() == 1
    assert_audit_intact()
