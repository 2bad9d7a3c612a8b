"""A full ID number typed into a search never appears in a URL (issue 12 item 12): search forms
post, the answer is a redirect whose query string carries a session token instead of the number,
and a full ID typed into an address is redirected the same way."""

import re

import pytest
from django.urls import reverse

from audits.models import AccessLog
from core.access import AccessAction
from tests.factories import CaseFactory, PersonFactory
from tests.transfers.helpers import id_number

SEARCH_PAGES = ["cases:person_list", "cases:case_list", "cases:case_open"]


@pytest.fixture
def person(union_a):
    person = PersonFactory(name="李四", id_number=id_number(21, "M"), organisation=union_a)
    CaseFactory(person=person)
    PersonFactory(name="王五", id_number=id_number(22, "M"), organisation=union_a)
    return person


def _search(client, name, value, **extra):
    return client.post(reverse(name), {"_search": "1", "q": value, **extra})


@pytest.mark.parametrize("name", SEARCH_PAGES)
def test_a_posted_full_id_search_redirects_without_the_number(client, officer, person, name):
    client.force_login(officer)
    response = _search(client, name, person.id_number)
    assert response.status_code == 303
    assert person.id_number not in response.url and "q=~" in response.url
    page = client.get(response.url)
    text = page.content.decode()
    assert page.status_code == 200 and "李四" in text and "王五" not in text
    assert f"q={person.id_number}" not in text  # export and page links carry the token


def test_a_full_id_in_the_address_is_redirected_to_a_token(client, officer, person):
    client.force_login(officer)
    url = reverse("cases:person_list")
    response = client.get(url, {"q": f" {person.id_number[:6]} {person.id_number[6:]}"})
    assert response.status_code == 303 and person.id_number[6:] not in response.url
    assert "李四" in client.get(response.url).content.decode()


def test_other_searches_keep_their_plain_query_string(client, officer, person):
    client.force_login(officer)
    response = _search(client, "cases:person_list", "李", employment_status="", per_page="20")
    assert response.status_code == 303
    assert response.url == reverse("cases:person_list") + "?q=%E6%9D%8E&per_page=20"


def test_a_token_means_nothing_in_another_session(client, officer, officer_b, person):
    client.force_login(officer)
    tokenised = _search(client, "cases:person_list", person.id_number).url
    client.force_login(officer_b)
    client.force_login(officer)  # a fresh session of the same user does not know it either
    page = client.get(tokenised)
    assert page.status_code == 200 and "李四" not in page.content.decode()


def test_the_search_forms_post(client, officer, person):
    client.force_login(officer)
    for url in (*[reverse(n) for n in SEARCH_PAGES], reverse("cases:dashboard")):
        text = client.get(url).content.decode()
        assert re.search(r'<form method="post"[^>]*role="search"', text)
        assert not re.search(r'<form method="get"[^>]*role="search"', text)
        assert 'name="_search"' in text


def test_an_export_of_a_tokenised_search_filters_and_logs_the_number_masked(
    client, officer, person
):
    client.force_login(officer)
    tokenised = _search(client, "cases:person_list", person.id_number).url
    query = tokenised.split("?", 1)[1]
    response = client.get(reverse("cases:export", args=["people", "csv"]) + "?" + query)
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "李四" in body and "王五" not in body
    log = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert log.detail["filters"]["q"] == "410102********" + person.id_number[-4:]


def test_an_auditor_may_search_by_post_and_a_leader_outside_the_list_still_cannot(
    client, auditor, administrator, person
):
    client.force_login(auditor)
    response = _search(client, "cases:person_list", person.id_number)
    assert response.status_code == 303
    assert "李四" in client.get(response.url).content.decode()
    client.force_login(administrator)
    response = _search(client, "cases:person_list", person.id_number)
    assert client.get(response.url).status_code == 403
