"""Races on PostgreSQL (SQLite ignores FOR UPDATE): a session's capacity and a union's quota
hold whatever the timing."""

import pytest
from django.db import connection

from accounts.roles import Role
from recuperation import services
from recuperation.exceptions import CapacityExceeded, InvalidTransition, QuotaExceeded
from recuperation.models import Nomination, NominationStatus
from tests.factories import make_user
from tests.payments.test_concurrency import race

from .factories import make_programme, make_session, medical_person

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_ten_approvals_racing_for_three_places(administrator, union_a, officer):
    programme = make_programme(administrator)
    session = make_session(administrator, programme, capacity=3)
    make_session(administrator, programme, start_in=90, capacity=7)
    services.set_quota(programme, union_a, 10, by=administrator)
    nominations = [
        services.nominate(session, medical_person(union_a), by=officer) for _ in range(10)
    ]
    approvers = [
        make_user(Role.LEADER, administrator.organisation, username=f"approver{i}")
        for i in range(10)
    ]

    results = race(
        [
            lambda n=n, a=a: services.approve_nomination(n, by=a)
            for n, a in zip(nominations, approvers, strict=True)
        ]
    )

    refused = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, CapacityExceeded) for r in refused), refused
    assert len(refused) == 7
    assert Nomination.objects.filter(session=session, status=NominationStatus.APPROVED).count() == 3


def test_two_officers_racing_for_the_last_quota_place(administrator, union_a, officer):
    programme = make_programme(administrator)
    session = make_session(administrator, programme, capacity=5)
    services.set_quota(programme, union_a, 1, by=administrator)
    second_officer = make_user(Role.CASE_OFFICER, union_a, username="officer_a2")
    people = [medical_person(union_a) for _ in range(2)]

    results = race(
        [
            lambda: services.nominate(session, people[0], by=officer),
            lambda: services.nominate(session, people[1], by=second_officer),
        ]
    )

    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], QuotaExceeded), results
    assert Nomination.objects.filter(programme=programme).count() == 1


def test_two_officers_racing_to_refill_the_same_declined_place(
    administrator, union_a, officer, federation
):
    programme = make_programme(administrator)
    session = make_session(administrator, programme, capacity=5)
    services.set_quota(programme, union_a, 5, by=administrator)
    declined = services.nominate(session, medical_person(union_a), by=officer)
    services.approve_nomination(declined, by=make_user(Role.LEADER, federation, username="ldr"))
    services.decline_nomination(declined, by=officer, reason="出差")
    second_officer = make_user(Role.CASE_OFFICER, union_a, username="officer_a2")
    people = [medical_person(union_a) for _ in range(2)]

    results = race(
        [
            lambda: services.nominate_replacement(declined, people[0], by=officer),
            lambda: services.nominate_replacement(declined, people[1], by=second_officer),
        ]
    )

    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], InvalidTransition), results
    assert Nomination.objects.filter(replaces=declined).count() == 1
