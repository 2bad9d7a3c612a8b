"""API fixtures: a client per user that authenticates with a real token, as an integrator would."""

import pytest
from rest_framework.test import APIClient

from api.services import create_token
from tests.payments.factories import CampaignFactory, case_in, payment_in_state


def token_client(user, **headers) -> APIClient:
    issued = create_token(owner=user, by=user, name="tests")
    client = APIClient(**headers)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    client.token = issued.token
    return client


@pytest.fixture
def api_as():
    return token_client


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


@pytest.fixture
def fake_pdf(monkeypatch):
    """Skip WeasyPrint where the test is about the API, not the PDF (tests/letters has those)."""
    from letters import rendering
    from letters.rendering import Rendered

    monkeypatch.setattr(
        rendering,
        "render_letters_pdf",
        lambda letters, **kwargs: Rendered(b"%PDF-1.7 fake", len(letters)),
    )
