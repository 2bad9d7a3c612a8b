"""People through the API: masked numbers, a logged reveal, the page's form messages, If-Match."""

import pytest

from audits.models import AccessLog
from cases.models import Person
from tests.factories import PersonFactory
from tests.idnumbers import make_id_number

from .conftest import token_client

pytestmark = pytest.mark.django_db


def test_numbers_are_masked_and_the_reveal_is_logged(officer, auditor, union_a):
    person = PersonFactory(organisation=union_a, bank_account="6222020200112233445")
    client = token_client(officer)
    row = client.get(f"/api/v1/people/{person.pk}/").json()
    assert person.id_number not in str(row) and person.bank_account not in str(row)
    assert row["id_number_masked"] == person.masked_id_number
    revealed = token_client(auditor).post(
        f"/api/v1/people/{person.pk}/reveal/", {"field": "bank_account"}, format="json"
    )
    assert revealed.status_code == 200
    assert revealed.json() == {"field": "bank_account", "value": "6222020200112233445"}
    assert revealed.headers["Cache-Control"] == "no-store"
    log = AccessLog.objects.get(action="reveal")
    assert (log.user, log.field, log.object_id) == (auditor, "bank_account", str(person.pk))


def test_search_like_the_page(officer, union_a):
    PersonFactory(organisation=union_a, name="王小明")
    PersonFactory(organisation=union_a, name="李四")
    rows = token_client(officer).get("/api/v1/people/", {"q": "王"}).json()["results"]
    assert [r["name"] for r in rows] == ["王小明"]


def test_create_refuses_a_bad_id_number_with_the_pages_message(officer, union_a, union_b):
    client = token_client(officer)
    body = {
        "name": "赵六",
        "gender": "M",
        "id_number": "110101199003070000",
        "mobile": "13800138000",
        "organisation": union_a.pk,
    }
    refused = client.post("/api/v1/people/", body, format="json")
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "invalid" and "id_number" in error["fields"]
    assert not Person.objects.exists()
    other_union = client.post(
        "/api/v1/people/",
        {**body, "id_number": make_id_number(gender="M"), "organisation": union_b.pk},
        format="json",
    )
    assert (
        other_union.status_code == 400 and "organisation" in other_union.json()["error"]["fields"]
    )
    created = client.post(
        "/api/v1/people/", {**body, "id_number": make_id_number(gender="M")}, format="json"
    )
    assert created.status_code == 201, created.json()
    person = Person.objects.get()
    assert person.history.latest().history_user == officer


def test_update_with_a_stale_etag_is_refused_and_changes_nothing(officer, union_a):
    person = PersonFactory(organisation=union_a, name="钱七", position="教师")
    client = token_client(officer)
    etag = client.get(f"/api/v1/people/{person.pk}/").headers["ETag"]
    ok = client.patch(
        f"/api/v1/people/{person.pk}/",
        {"position": "班主任", "change_reason": "岗位调整"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["position"] == "班主任" and ok.headers["ETag"] != etag
    stale = client.patch(
        f"/api/v1/people/{person.pk}/", {"position": "校长"}, format="json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    person.refresh_from_db()
    assert person.position == "班主任"
    assert person.history.latest().history_change_reason == "岗位调整"


def test_an_update_without_a_reason_is_refused_naming_the_field(officer, union_a):
    person = PersonFactory(organisation=union_a, position="教师")
    response = token_client(officer).patch(
        f"/api/v1/people/{person.pk}/", {"position": "校长"}, format="json"
    )
    assert response.status_code == 400
    assert "change_reason" in response.json()["error"]["fields"]
    person.refresh_from_db()
    assert person.position == "教师"
