"""The household cap on PostgreSQL: approvals for two members of one household in two campaigns,
at the same moment, never pass the cap together, and never deadlock."""

from decimal import Decimal

import pytest
from django.db import connection

from cases.services import add_household_member
from payments import services
from payments.exceptions import HouseholdCapExceeded
from payments.models import AssistanceStandard, Payment, PaymentStatus
from tests.factories import CaseFactory, PersonFactory

from .factories import CampaignFactory
from .test_concurrency import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_household_members_racing_for_the_last_of_the_cap(
    federation, union_a, officer, finance, finance2, administrator
):
    AssistanceStandard.objects.create(
        hardship_level="relative", item="living", basis="fixed", value=Decimal("1000.00")
    )
    applicant = PersonFactory(organisation=union_a)
    file = CaseFactory(person=applicant, opened_by=officer)
    spouse = PersonFactory(organisation=union_a, gender="F")
    add_household_member(
        file, by=officer, relation="spouse", name=spouse.name, id_number=spouse.id_number
    )
    spouse_case = CaseFactory(
        person=spouse, opened_by=officer, category="condolence", hardship_level=""
    )
    payments = []
    for n, case in enumerate((file, spouse_case)):
        campaign = CampaignFactory(
            organisation=federation, created_by=administrator, name=f"生活救助{n}"
        )
        payment = services.draft_payment(
            case,
            campaign,
            by=officer,
            amount=Decimal("600.00"),
            justification="生活救助",
            assistance_item="living",
        )
        services.submit_payment(payment, by=officer)
        payments.append(payment)

    results = race(
        [
            lambda: services.approve_payment(payments[0], by=finance),
            lambda: services.approve_payment(payments[1], by=finance2),
        ]
    )

    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], HouseholdCapExceeded), results
    assert Payment.objects.filter(status=PaymentStatus.APPROVED).count() == 1
