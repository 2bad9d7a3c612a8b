import pytest

from .factories import CampaignFactory, case_in


@pytest.fixture
def campaign(federation, administrator):
    return CampaignFactory(organisation=federation, created_by=administrator)


@pytest.fixture
def case(union_a, officer):
    return case_in(union_a, officer=officer)


@pytest.fixture
def case_b(union_b, officer_b):
    return case_in(union_b, officer=officer_b)
