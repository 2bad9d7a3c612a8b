"""Person and organisation pages: scope answers 404 (and is logged), masking, reveal log."""

import pytest
from django.urls import reverse

from audits.models import AccessLog
from core.access import AccessAction
from tests.factories import OrganisationFactory, PersonFactory


@pytest.fixture
def person_a(union_a):
    return PersonFactory(name="王小明", organisation=union_a)


@pytest.fixture
def person_b(union_b):
    return PersonFactory(name="赵强", organisation=union_b)


def detail(person):
    return reverse("cases:person_detail", args=[person.pk])


def reveal(person):
    return reverse("cases:person_reveal", args=[person.pk])


def test_officer_opens_a_person_of_their_union(client, officer, person_a):
    client.force_login(officer)
    response = client.get(detail(person_a))
    assert response.status_code == 200
    assert "王小明" in response.content.decode()


def test_officer_gets_404_for_a_person_of_another_union_and_the_attempt_is_logged(
    client, officer, person_b
):
    client.force_login(officer)
    assert client.get(detail(person_b)).status_code == 404
    log = AccessLog.objects.get(action=AccessAction.OUT_OF_SCOPE)
    assert log.user == officer
    assert log.object_id == str(person_b.pk)


def test_a_missing_person_is_a_plain_404_without_a_log(client, officer, db):
    client.force_login(officer)
    assert client.get(reverse("cases:person_detail", args=[999999])).status_code == 404
    assert not AccessLog.objects.filter(action=AccessAction.OUT_OF_SCOPE).exists()


def test_an_officer_above_sees_the_units_below(client, union_a):
    from accounts.roles import Role
    from tests.factories import make_user

    below = OrganisationFactory(code="EDU0101", name="初中部分工会", parent=union_a)
    person = PersonFactory(organisation=below)
    client.force_login(make_user(Role.CASE_OFFICER, union_a))
    assert client.get(detail(person)).status_code == 200


def test_detail_shows_id_number_and_bank_account_masked(client, finance, person_a):
    client.force_login(finance)
    body = client.get(detail(person_a)).content.decode()
    assert person_a.masked_id_number in body
    assert person_a.masked_bank_account in body
    assert person_a.id_number not in body
    assert person_a.bank_account not in body


@pytest.mark.parametrize("field", ["id_number", "bank_account"])
def test_reveal_shows_the_full_value_and_logs_who_saw_which_field(client, officer, person_a, field):
    client.force_login(officer)
    response = client.post(reveal(person_a), {"field": field})
    assert response.status_code == 200
    assert getattr(person_a, field) in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    log = AccessLog.objects.get(action=AccessAction.REVEAL)
    assert (log.user, log.object_type, log.object_id, log.field) == (
        officer,
        "cases.person",
        str(person_a.pk),
        field,
    )


def test_reveal_shows_only_the_field_asked_for(client, officer, person_a):
    client.force_login(officer)
    body = client.post(reveal(person_a), {"field": "id_number"}).content.decode()
    assert person_a.bank_account not in body


def test_reveal_by_get_is_not_allowed(client, officer, person_a):
    client.force_login(officer)
    assert client.get(reveal(person_a) + "?field=id_number").status_code == 405
    assert not AccessLog.objects.filter(action=AccessAction.REVEAL).exists()


def test_reveal_refused_without_the_permission(client, leader, person_a):
    client.force_login(leader)  # leaders approve payments; they do not see full numbers
    response = client.post(reveal(person_a), {"field": "id_number"})
    assert response.status_code == 403
    assert person_a.id_number not in response.content.decode()
    assert not AccessLog.objects.filter(action=AccessAction.REVEAL).exists()
    assert AccessLog.objects.filter(action=AccessAction.DENIED, user=leader).exists()


def test_reveal_out_of_scope_is_404_and_reveals_nothing(client, officer, person_b):
    client.force_login(officer)
    response = client.post(reveal(person_b), {"field": "id_number"})
    assert response.status_code == 404
    assert not AccessLog.objects.filter(action=AccessAction.REVEAL).exists()


def test_reveal_of_another_field_is_refused(client, officer, person_a):
    client.force_login(officer)
    assert client.post(reveal(person_a), {"field": "name"}).status_code == 404
    assert not AccessLog.objects.filter(action=AccessAction.REVEAL).exists()


def test_auditor_may_reveal_because_it_only_reads(client, auditor, person_a):
    client.force_login(auditor)
    response = client.post(reveal(person_a), {"field": "bank_account"})
    assert response.status_code == 200
    assert AccessLog.objects.filter(action=AccessAction.REVEAL, user=auditor).count() == 1


def test_user_text_is_escaped_on_the_person_page(client, finance, union_a):
    person = PersonFactory(organisation=union_a, address="<b>危险</b>", position="<i>x</i>")
    client.force_login(finance)
    body = client.get(detail(person)).content.decode()
    assert "<b>危险</b>" not in body
    assert "&lt;b&gt;危险&lt;/b&gt;" in body


def test_person_detail_shows_the_change_history(client, finance, person_a):
    from cases.services import save_person

    person_a.position = "教研组长"
    save_person(person_a, by=finance, reason="岗位调整")
    client.force_login(finance)
    assert "岗位调整" in client.get(detail(person_a)).content.decode()


def test_organisation_list_shows_the_scope_as_a_tree(client, officer, federation, union_a, union_b):
    client.force_login(officer)
    response = client.get(reverse("cases:organisation_list"))
    body = response.content.decode()
    assert union_a.name in body
    assert union_b.name not in body
    assert federation.name not in body


def test_organisation_list_of_the_federation_counts_people(
    client, finance, federation, union_a, union_b, person_a, person_b
):
    client.force_login(finance)
    response = client.get(reverse("cases:organisation_list"))
    rows = {o.code: o.people_count for o, _indent in response.context["rows"]}
    assert rows == {"FED": 0, "EDU01": 1, "HEA01": 1}


def test_organisation_detail_out_of_scope_is_404(client, officer, union_b):
    client.force_login(officer)
    url = reverse("cases:organisation_detail", args=[union_b.pk])
    assert client.get(url).status_code == 404
    own = reverse("cases:organisation_detail", args=[officer.organisation.pk])
    assert client.get(own).status_code == 200


def test_organisation_detail_counts_the_subtree(client, finance, federation, person_a, person_b):
    client.force_login(finance)
    response = client.get(federation.get_absolute_url())
    assert response.context["people_count"] == 2
    assert response.context["direct_count"] == 0


def test_organisation_list_query_count_does_not_grow_with_the_tree(
    client, finance, federation, django_assert_num_queries
):
    client.force_login(finance)
    url = reverse("cases:organisation_list")
    OrganisationFactory(parent=federation)
    client.get(url)
    with django_assert_num_queries(8):  # 7 + the scope's organisation ids
        client.get(url)
    for _ in range(5):
        parent = OrganisationFactory(parent=federation)
        PersonFactory(organisation=OrganisationFactory(parent=parent))
    with django_assert_num_queries(8):  # 7 + the scope's organisation ids
        response = client.get(url)
    assert len(response.context["rows"]) == 12


def test_person_page_query_count_does_not_grow_with_the_history(
    client, finance, person_a, django_assert_num_queries
):
    from cases.services import save_person

    client.force_login(finance)
    url = detail(person_a)
    client.get(url)
    with django_assert_num_queries(10):  # 9 + the scope's organisation ids
        client.get(url)
    for n in range(5):
        person_a.position = f"岗位{n}"
        save_person(person_a, by=finance, reason=f"第{n}次调整")
    with django_assert_num_queries(10):  # 9 + the scope's organisation ids
        client.get(url)


def test_person_page_offers_to_open_a_case_to_officers_only(client, officer, auditor, person_a):
    link = f"{reverse('cases:case_open')}?person={person_a.pk}"
    client.force_login(officer)
    assert link in client.get(detail(person_a)).content.decode()
    client.force_login(auditor)
    assert link not in client.get(detail(person_a)).content.decode()
