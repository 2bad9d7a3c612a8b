"""Auditor pages in people's terms: names, references and field labels instead of table names
and column names; operators found by their full name (issue 15 item 10)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import ChangeEntry
from cases.services import save_person
from core.access import AccessAction, log_access
from tests.factories import CaseFactory, PersonFactory

from .factories import make_campaign, make_payment

pytestmark = pytest.mark.django_db


def visible_text(html: str) -> str:
    """What a reader sees: the page without its tags (addresses in links are not read)."""
    body = html.split("<main", 1)[-1]
    return re.sub(r"<[^>]+>", " ", body)


@pytest.fixture
def zhao(officer):
    officer.display_name = "赵主席"
    officer.save(update_fields=["display_name"])
    return officer


@pytest.fixture
def person(zhao, union_a):
    person = PersonFactory.build(organisation=union_a, name="王秀兰")
    save_person(person, by=zhao, reason="登记")
    return person


def test_the_access_log_names_the_person_the_payment_and_the_field(
    client, auditor, zhao, person, union_a, federation, django_assert_num_queries
):
    case = CaseFactory(person=person, organisation=union_a, opened_by=zhao)
    payment = make_payment(case, make_campaign(federation, zhao), zhao, reference="P2026-000018")
    log_access(
        user=zhao,
        action=AccessAction.REVEAL,
        object_type="cases.person",
        object_id=person.pk,
        field="bank_account",
    )
    log_access(
        user=zhao, action=AccessAction.PRINT, object_type="payments.payment", object_id=payment.pk
    )
    log_access(user=zhao, action=AccessAction.EXPORT, object_type="audits.changeentry")
    client.force_login(auditor)
    url = reverse("audits:access_log")
    html = visible_text(client.get(url).content.decode())
    assert "王秀兰" in html and "银行账号" in html and "P2026-000018" in html
    assert "变更记录" in html  # the record type of audits.changeentry, by its name
    for database_term in (
        "bank_account",
        "cases.person #",
        "payments.payment",
        "audits.changeentry",
    ):
        assert database_term not in html
    assert "赵主席" in html
    with django_assert_num_queries(8):  # the records' labels: one query for the whole page
        client.get(url)

    export = client.get(reverse("audits:access_log_export", args=["csv"]))
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "赵主席,查看敏感信息,职工,王秀兰,银行账号" in body
    assert "赵主席,打印,慰问金,P2026-000018" in body


def _page_queries(client, url) -> list[str]:
    """The queries of one page, without the session bookkeeping (a stamp once a minute)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries if "django_session" not in q["sql"]]


def test_the_access_log_query_count_does_not_grow_with_rows(client, auditor, zhao, person):
    url = reverse("audits:access_log")
    client.force_login(auditor)
    client.get(url)  # the first request after signing in does its own bookkeeping
    log_access(
        user=zhao, action=AccessAction.REVEAL, object_type="cases.person", object_id=person.pk
    )
    few = _page_queries(client, url)
    for n in range(30):
        log_access(
            user=zhao, action=AccessAction.PRINT, object_type="payments.payment", object_id=n + 9
        )
    assert len(_page_queries(client, url)) == len(few) == 7


def test_the_change_log_names_records_fields_and_operators(
    client, auditor, zhao, person, union_a, federation
):
    case = CaseFactory(person=person, organisation=union_a, opened_by=zhao)
    make_payment(case, make_campaign(federation, zhao), zhao, reference="P2026-000018")
    client.force_login(auditor)
    page = client.get(reverse("audits:changelog"), {"model": "payments.payment"}).content.decode()
    html = visible_text(page.split("<table", 1)[1])
    assert "P2026-000018" in html and "王秀兰" in html and "赵主席" in html
    assert "officer_a" not in html  # the operator by name, not by login
    for database_term in (
        "payments.payment",
        "cases.person",
        "bank_account",
    ):
        assert database_term not in html


@pytest.mark.parametrize("typed", ["赵主席", "赵", "officer_a"])
def test_operators_are_found_by_full_name_part_of_it_or_login(
    client, auditor, zhao, person, officer_b, union_b, typed
):
    other = PersonFactory.build(organisation=union_b, name="钱七")
    save_person(other, by=officer_b, reason="登记")
    client.force_login(auditor)
    response = client.get(reverse("audits:changelog"), {"user": typed})
    titles = {item.title for item in response.context["items"]}
    assert titles == {"王秀兰"}


def test_an_unknown_operator_name_finds_nothing(client, auditor, person):
    client.force_login(auditor)
    response = client.get(reverse("audits:changelog"), {"user": "孙悟空"})
    assert list(response.context["items"]) == []


def test_the_access_log_finds_a_user_by_name(client, auditor, zhao, officer_b):
    log_access(user=zhao, action=AccessAction.PRINT, object_type="payments.payment")
    log_access(user=officer_b, action=AccessAction.PRINT, object_type="payments.payment")
    client.force_login(auditor)
    response = client.get(reverse("audits:access_log"), {"user": "赵主席"})
    assert [log.user for log in response.context["logs"]] == [zhao]


def test_signing_in_adds_no_row_to_the_change_log(client, zhao):
    before = ChangeEntry.objects.count()
    client.post(reverse("login"), {"username": zhao.username, "password": "pw-Relief-2026"})
    assert ChangeEntry.objects.count() == before


def test_other_roles_cannot_read_the_access_log(client, zhao, finance):
    for user in (zhao, finance):
        client.force_login(user)
        assert client.get(reverse("audits:access_log"), {"user": "赵"}).status_code == 403
