"""Every API list runs a fixed number of queries, however many rows it returns (the payment
list has its own pin in test_payments_api)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import OrganisationFactory, VisitFactory
from tests.payments.factories import CampaignFactory

from .conftest import token_client


def _rows(federation, union_a, officer, administrator, walk):
    """One more row for every list: an organisation, a person with a case and a visit,
    a campaign and a batch."""
    OrganisationFactory(parent=union_a)
    payment = walk("in_batch")
    VisitFactory(case=payment.case, recorded_by=officer)
    CampaignFactory(organisation=federation, created_by=administrator)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/organisations/",
        "/api/v1/people/",
        "/api/v1/cases/",
        "/api/v1/visits/",
        "/api/v1/campaigns/",
        "/api/v1/batches/",
    ],
)
def test_api_list_query_count_does_not_grow_with_rows(
    url, auditor, federation, union_a, officer, administrator, walk, django_assert_num_queries
):
    _rows(federation, union_a, officer, administrator, walk)
    client = token_client(auditor)
    first = client.get(url)
    assert first.status_code == 200 and first.json()["results"]
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(4):
        _rows(federation, union_a, officer, administrator, walk)
    with django_assert_num_queries(len(few.captured_queries)):
        more = client.get(url)
    assert len(more.json()["results"]) > len(first.json()["results"])
