"""Numeric query parameters refuse what only looks like digits: `"²".isdigit()` is True yet
`int("²")` raises, and a 30-digit id overflows PostgreSQL's integer columns."""

import pytest

from .conftest import token_client

JUNK = ["²", "①", "٣", "9" * 30, "-1", "1.5"]


@pytest.mark.parametrize("value", JUNK)
@pytest.mark.parametrize(
    ("url", "param"),
    [("/api/v1/visits/", "case"), ("/api/v1/payments/", "case"), ("/api/v1/campaigns/", "year")],
)
def test_junk_number_in_a_filter_is_a_400_naming_the_parameter(url, param, value, auditor):
    response = token_client(auditor).get(url, {param: value})
    assert response.status_code == 400
    assert param in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("url", "param"), [("/api/v1/visits/", "case"), ("/api/v1/payments/", "case")]
)
def test_a_real_case_number_still_filters(url, param, auditor, walk):
    payment = walk("approved")
    response = token_client(auditor).get(url, {param: payment.case_id})
    assert response.status_code == 200
