import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from audits.models import AccessLog, ChangeEntry
from cases.models import Person
from cases.services import save_person
from core.access import AccessAction, log_access
from tests.factories import CaseFactory, PersonFactory, VisitFactory, make_user

from .factories import change, make_campaign, make_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(officer, union_a):
    person = PersonFactory.build(
        organisation=union_a, name="李四", bank_account="6222020200001234567"
    )
    save_person(person, by=officer, reason="登记")
    person.employment_status = "retired"
    person.bank_account = "6222020200007654321"
    save_person(person, by=officer, reason="退休")
    return person


def test_other_roles_get_403_and_anonymous_users_are_sent_to_sign_in(client, officer, finance):
    url = reverse("audits:changelog")
    assert client.get(url).status_code == 302
    for user in (officer, finance):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.get(reverse("audits:reports")).status_code == 403
        assert client.get(reverse("audits:changelog_export", args=["csv"])).status_code == 403


def test_change_log_shows_field_differences_in_human_terms(client, auditor, person):
    client.force_login(auditor)
    response = client.get(reverse("audits:changelog"), {"model": "cases.person"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "在职状态" in html and "在职" in html and "退休" in html  # label, old → new choice
    assert "6222" + "*" * 11 + "4567" in html  # masked, never in full
    assert "6222" + "*" * 11 + "4321" in html
    assert "6222020200001234567" not in html
    assert person.id_number not in html
    assert reverse("audits:timeline", args=["cases.person", person.pk]) in html


def test_change_log_filters_by_user_record_kind_organisation_and_date(
    client, auditor, person, officer_b, union_b
):
    other = PersonFactory.build(organisation=union_b)
    save_person(other, by=officer_b, reason="登记")
    client.force_login(auditor)
    url = reverse("audits:changelog")

    def shown(**params):
        items = client.get(url, params).context["items"]
        return {(i.entry.model, i.entry.object_id, i.entry.kind) for i in items}

    assert shown(user="officer_b") == {("cases.person", str(other.pk), "+")}
    assert shown(model="cases.person", object_id=person.pk) == {
        ("cases.person", str(person.pk), "+"),
        ("cases.person", str(person.pk), "~"),
    }
    assert shown(model="cases.person", kind="~") == {("cases.person", str(person.pk), "~")}
    assert shown(model="cases.person", organisation=union_b.pk) == {
        ("cases.person", str(other.pk), "+")
    }
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    assert shown(date_from=tomorrow) == set()
    assert shown(user="nobody") == set()


def test_a_union_auditor_sees_only_the_changes_of_their_subtree(client, union_a, person):
    union_auditor = make_user(Role.AUDITOR, union_a, username="auditor_a")
    other = PersonFactory.build(organisation=person.organisation.parent)
    save_person(other, by=None)
    client.force_login(union_auditor)
    items = client.get(reverse("audits:changelog"), {"model": "cases.person"}).context["items"]
    assert {i.entry.object_id for i in items} == {str(person.pk)}
    timeline = reverse("audits:timeline", args=["cases.person", other.pk])
    assert client.get(timeline).status_code == 404
    assert AccessLog.objects.filter(
        action=AccessAction.OUT_OF_SCOPE, object_id=str(other.pk)
    ).exists()


def test_keyset_pagination_walks_every_entry_once(client, auditor, officer, union_a):
    for _ in range(7):
        save_person(PersonFactory.build(organisation=union_a), by=officer)
    client.force_login(auditor)
    from audits import views

    seen, params = [], {"model": "cases.person"}
    old = views.PAGE_SIZE
    views.PAGE_SIZE = 3
    try:
        while True:
            response = client.get(reverse("audits:changelog"), params)
            seen += [i.entry.pk for i in response.context["items"]]
            if not response.context["following"]:
                break
            params["after"] = response.context["following"]
    finally:
        views.PAGE_SIZE = old
    expected = list(
        ChangeEntry.objects.filter(model="cases.person")
        .order_by("-at", "-id")
        .values_list("pk", flat=True)
    )
    assert seen == expected


def _fill(officer, union_a, n):
    """n people, cases, visits and payments (with a change), so every page mixes models."""
    campaign = make_campaign(union_a.parent, officer)
    for _ in range(n):
        case = CaseFactory(person=PersonFactory(organisation=union_a), opened_by=officer)
        VisitFactory(case=case, recorded_by=officer)
        payment = make_payment(case, campaign, officer)
        change(payment, officer, "调整", amount=Decimal("1200.00"))


def test_change_log_query_count_does_not_grow_with_the_rows(
    client, auditor, officer, union_a, django_assert_num_queries
):
    _fill(officer, union_a, 2)
    client.force_login(auditor)
    url = reverse("audits:changelog")
    params = {"model": "payments.payment"}
    client.get(url, params)  # warm per-process caches (content types)
    with django_assert_num_queries(CHANGELOG_QUERIES):
        response = client.get(url, params)
    assert len(response.context["items"]) == 4
    _fill(officer, union_a, 20)
    with django_assert_num_queries(CHANGELOG_QUERIES):
        response = client.get(url, params)
    assert len(response.context["items"]) == 44


# session, user, permissions ×2, the user's organisation (scope), its organisation ids, the
# user's groups (menu), the organisation filter's choices, the page of entries (with users),
# then for the payments on the page: history rows, live records, and one query per referenced
# model (case, person, organisation, campaign, user).
CHANGELOG_QUERIES = 16


def test_unfiltered_change_log_queries_are_bounded_by_the_number_of_models(
    client, auditor, officer, union_a, django_assert_max_num_queries
):
    from audits.registry import tracked_models

    _fill(officer, union_a, 30)
    client.force_login(auditor)
    client.get(reverse("audits:changelog"))
    # per model on the page at most: history rows, live records, referenced labels (≤ 4 models)
    with django_assert_max_num_queries(8 + 6 * len(tracked_models())):
        response = client.get(reverse("audits:changelog"))
    assert len(response.context["items"]) == 50


def test_timeline_merges_changes_and_access_log_entries(client, auditor, officer, person):
    log_access(user=officer, action=AccessAction.REVEAL, obj=person, field="id_number")
    client.force_login(auditor)
    response = client.get(reverse("audits:timeline", args=["cases.person", person.pk]))
    assert response.status_code == 200
    kinds = [kind for kind, _at, _item in response.context["items"]]
    assert kinds == ["access", "change", "change"]
    assert "查看敏感信息" in response.content.decode()
    assert client.get(reverse("audits:timeline", args=["cases.nothing", 1])).status_code == 404


def test_exports_are_logged_and_neutralise_formulas(client, auditor, officer, union_a):
    person = PersonFactory.build(organisation=union_a, name="=HYPERLINK(1)")
    save_person(person, by=officer, reason="+cmd")
    client.force_login(auditor)
    response = client.get(
        reverse("audits:changelog_export", args=["csv"]), {"model": "cases.person"}
    )
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "时间"
    assert rows[1][4] == "'=HYPERLINK(1)"
    assert rows[1][7] == "'+cmd"
    assert AccessLog.objects.filter(action=AccessAction.EXPORT, user=auditor).count() == 1

    response = client.get(reverse("audits:changelog_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "'=HYPERLINK(1)" in values
    assert AccessLog.objects.filter(action=AccessAction.EXPORT, user=auditor).count() == 2
    assert client.get(reverse("audits:changelog_export", args=["pdf"])).status_code == 404


def test_timeline_export_contains_the_record_history(client, auditor, person):
    client.force_login(auditor)
    url = reverse("audits:timeline_export", args=["cases.person", person.pk, "csv"])
    body = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    assert body.count("\n") == 4  # header, two history rows, and this export itself (logged)
    assert "退休" in body
    assert Person.objects.count() == 1
