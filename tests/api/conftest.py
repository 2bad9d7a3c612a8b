"""API fixtures: a client per user that authenticates with a real token, as an integrator would;
the records and the fake PDF renderer are those of the payments and letters suites."""

import pytest
from rest_framework.test import APIClient

from api.services import create_token
from tests.letters.conftest import fake_pdf  # noqa: F401
from tests.payments.conftest import campaign, case, case_b, walk  # noqa: F401


def token_client(user, **headers) -> APIClient:
    issued = create_token(owner=user, by=user, name="tests")
    client = APIClient(**headers)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    client.token = issued.token
    return client


@pytest.fixture
def api_as():
    return token_client
