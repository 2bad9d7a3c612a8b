import pytest

from .factories import CampaignFactory, case_in, payment_in_state


@pytest.fixture
def campaign(federation, administrator):
    return CampaignFactory(organisation=federation, created_by=administrator)


@pytest.fixture
def case(union_a, officer):
    return case_in(union_a, officer=officer)


@pytest.fixture
def case_b(union_b, officer_b):
    return case_in(union_b, officer=officer_b)


@pytest.fixture
def walk(campaign, officer, finance, finance2, leader):
    """`walk("paid")`: a payment of the campaign walked to a state through the services."""

    def make(state, **kwargs):
        return payment_in_state(
            state,
            campaign=kwargs.pop("campaign", campaign),
            officer=kwargs.pop("officer", officer),
            finance=finance,
            leader=leader,
            finance2=finance2,
            **kwargs,
        )

    return make
