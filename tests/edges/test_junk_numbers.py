"""Ids and years from the request: `²`, `①`, full-width and 30-digit numbers are refused or
ignored, never an HTTP 500 (issue 12 item 10, the isdigit()/int() and overflow cases)."""

import pytest
from django.urls import reverse

from core.numbers import as_id

JUNK = ["²", "①", "9" * 30, "12345678901", "-1", "1.5", "\x00"]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("42", 42),
        ("2147483647", 2147483647),
        ("2147483648", None),
        ("²", None),
        ("①", None),
        ("４２", None),
        ("", None),
        (None, None),
        ("9" * 30, None),
    ],
)
def test_as_id(value, expected):
    assert as_id(value) == expected


@pytest.mark.parametrize("junk", JUNK)
def test_junk_numbers_in_exports_and_pickers_are_no_500(client, finance, officer, junk):
    client.force_login(finance)
    for params in ({"organisation": junk}, {"campaign": junk}, {"year": junk}):
        assert client.get(reverse("payments:export", args=["csv"]), params).status_code == 200
    assert (
        client.get(
            reverse("cases:export", args=["people", "csv"]), {"organisation": junk}
        ).status_code
        == 200
    )
    assert client.get(reverse("payments:batch_create"), {"campaign": junk}).status_code == 404
    response = client.post(
        reverse("payments:approval_queue"), {"action": "approve", "payment": [junk]}
    )
    assert response.status_code == 302
    client.force_login(officer)
    assert client.get(reverse("payments:payment_create"), {"case": junk}).status_code == 404
    assert client.get(reverse("cases:case_open"), {"person": junk}).status_code == 200
