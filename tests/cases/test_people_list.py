"""The people list: scope, search, filters, pagination and a pinned query count."""

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory, PersonFactory

URL = reverse("cases:person_list")


def names(response) -> list[str]:
    return [p.name for p in response.context["page"].object_list]


@pytest.fixture
def people(union_a, union_b):
    return {
        "wang": PersonFactory(
            name="王小明", organisation=union_a, mobile="13912345678", is_model_worker=True
        ),
        "li": PersonFactory(name="李华", organisation=union_a, mobile="13700001111"),
        "zhao": PersonFactory(
            name="赵强", organisation=union_b, mobile="13600002222", is_frontline_medical=True
        ),
    }


def test_officer_sees_only_people_of_their_union(client, officer, people):
    client.force_login(officer)
    response = client.get(URL)
    assert response.status_code == 200
    assert sorted(names(response)) == ["李华", "王小明"]


def test_federation_users_see_every_union(client, finance, people):
    client.force_login(finance)
    assert sorted(names(client.get(URL))) == ["李华", "王小明", "赵强"]


def test_anonymous_users_are_sent_to_the_login_page(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_user_without_a_role_is_refused(client, union_a, people):
    from tests.factories import make_user

    client.force_login(make_user(None, union_a))
    assert client.get(URL).status_code == 403


def test_search_by_name_prefix(client, finance, people):
    client.force_login(finance)
    assert names(client.get(URL, {"q": "王小"})) == ["王小明"]


def test_search_by_id_number_tail(client, finance, people):
    client.force_login(finance)
    tail = people["li"].id_number[-4:]
    assert "李华" in names(client.get(URL, {"q": tail}))


def test_search_by_full_id_number(client, finance, people):
    client.force_login(finance)
    assert names(client.get(URL, {"q": people["zhao"].id_number}, follow=True)) == ["赵强"]


def test_search_by_mobile_number_and_its_beginning(client, finance, people):
    client.force_login(finance)
    assert names(client.get(URL, {"q": "13912345678"})) == ["王小明"]
    assert names(client.get(URL, {"q": "1370000"})) == ["李华"]


def test_search_cannot_reach_people_out_of_scope(client, officer, people):
    client.force_login(officer)
    assert names(client.get(URL, {"q": people["zhao"].id_number}, follow=True)) == []


def test_filter_by_sector_and_flag(client, finance, people):
    client.force_login(finance)
    assert names(client.get(URL, {"sector": "health"})) == ["赵强"]
    assert names(client.get(URL, {"flag": "is_model_worker"})) == ["王小明"]
    assert names(client.get(URL, {"flag": ["is_model_worker", "is_frontline_medical"]})) == []


def test_filter_by_organisation_includes_the_units_below_it(client, finance, union_a, people):
    below = OrganisationFactory(code="EDU0101", name="第一中学初中部分工会", parent=union_a)
    PersonFactory(name="孙丽", organisation=below)
    client.force_login(finance)
    assert sorted(names(client.get(URL, {"organisation": union_a.pk}))) == [
        "孙丽",
        "李华",
        "王小明",
    ]


def test_officer_cannot_filter_by_an_organisation_outside_the_scope(
    client, officer, union_b, people
):
    client.force_login(officer)
    response = client.get(URL, {"organisation": union_b.pk})
    assert names(response) == []
    assert response.context["filter"].form.errors["organisation"]


def test_list_shows_masked_id_numbers_only(client, finance, people):
    client.force_login(finance)
    body = client.get(URL).content.decode()
    for person in people.values():
        assert person.id_number not in body
        assert person.masked_id_number in body
        assert person.bank_account not in body


def test_list_is_paginated_and_keeps_the_filters_in_page_links(client, finance, union_a):
    PersonFactory.create_batch(25, organisation=union_a)
    client.force_login(finance)
    response = client.get(URL, {"per_page": 20, "sector": "education"})
    assert len(response.context["page"].object_list) == 20
    assert "sector=education" in response.content.decode()
    first = response.context["page"]
    assert f"sector=education&amp;after={first.next_cursor}" in response.content.decode()
    second = client.get(URL + first.next_url)
    assert len(second.context["page"].object_list) == 5
    assert second.context["filter"].data["sector"] == "education"


@pytest.mark.parametrize("page_size", [20, 100])
def test_list_query_count_is_fixed_whatever_the_rows_and_page_size(
    client, finance, union_a, union_b, django_assert_num_queries, page_size
):
    client.force_login(finance)
    PersonFactory.create_batch(3, organisation=union_a, is_disabled=True)
    client.get(URL)  # the first request of a session stamps its activity (accounts.sessions)
    # session, user, scope organisation, its organisation ids, permissions (2), roles, org
    # choices, capped count, the page's ids, its rows
    with django_assert_num_queries(11):
        response = client.get(
            URL, {"per_page": page_size, "sector": "education", "flag": "is_disabled"}
        )
    assert len(response.context["page"].object_list) == 3
    PersonFactory.create_batch(60, organisation=union_b)
    with django_assert_num_queries(11):
        response = client.get(URL, {"per_page": page_size})
    assert len(response.context["page"].object_list) == min(page_size, 63)


@pytest.mark.parametrize("kind", ["name prefix", "ID tail", "mobile beginning"])
def test_a_search_runs_the_same_queries_as_the_list_and_keeps_the_list_order(
    client, finance, union_a, union_b, django_assert_num_queries, kind
):
    """The search box's kinds read the page's ids from an index, then the rows: 11 queries
    whatever the matches, and the rows in the register's order (union, name, id)."""
    client.force_login(finance)
    found = [
        PersonFactory(
            name=f"欧阳{n}", organisation=union_b if n % 2 else union_a, mobile=f"1391234{n:04d}"
        )
        for n in range(7)
    ]
    PersonFactory.create_batch(3, name="李四", mobile="13700000000", organisation=union_a)
    tail = found[0].id_number[-4:]
    term = {"name prefix": "欧阳", "ID tail": tail, "mobile beginning": "1391234"}[kind]
    client.get(URL)
    with django_assert_num_queries(11):
        response = client.get(URL, {"q": term})
    rows = response.context["page"].object_list
    expected = [p for p in found if kind != "ID tail" or p.id_number.endswith(tail)]
    expected.sort(key=lambda p: (p.organisation_id, p.name, p.pk))
    assert [p.pk for p in rows if p.name.startswith("欧阳")] == [p.pk for p in expected]
    if kind != "ID tail":  # a tail may also end another person's ID number
        assert all(p.name.startswith("欧阳") for p in rows)


def test_the_organisation_filter_lists_the_scope_and_keeps_the_choice(client, officer, union_a):
    client.force_login(officer)
    sub = OrganisationFactory(parent=union_a, name="<b>分会</b>")
    html = client.get(URL, {"organisation": sub.pk}).content.decode()
    assert f'<option value="{sub.pk}" selected>&lt;b&gt;分会&lt;/b&gt;</option>' in html
    assert f'<option value="{union_a.pk}">' in html
    assert "市教科文卫体" not in html.split('name="organisation"')[1].split("</select>")[0]


def test_list_rows_escape_text_link_each_person_and_label_each_cell(client, officer, union_a):
    sub = OrganisationFactory(parent=union_a, name="<b>分会</b>")
    person = PersonFactory(name="O'Neil & 李", organisation=sub, is_model_worker=True)
    client.force_login(officer)
    body = client.get(URL, {"organisation": sub.pk}).content.decode()
    row = body.split("<tbody>")[1].split("</tbody>")[0]
    assert f'<a href="{person.get_absolute_url()}">O&#x27;Neil &amp; 李</a>' in row
    assert '<td data-label="所在单位">&lt;b&gt;分会&lt;/b&gt;</td>' in row
    assert f'<td data-label="身份证号" class="mono">{person.masked_id_number}</td>' in row
    assert '<td data-label="标记"><span class="badge badge-ok">劳模</span> </td>' in row
    assert "<b>" not in row
