import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from cases.models import Case
from cases.services import open_case, verify_case
from tests.cases.factories import backdate, closed_case, hardship_case, person_in, visit
from tests.factories import OrganisationFactory, make_user

URL = reverse("cases:case_list")


def names(response) -> set[str]:
    return {case.person.name for case in response.context["page"].object_list}


@pytest.fixture
def sub_union(union_a):
    return OrganisationFactory(code="EDU01-1", name="第一中学初中部分会", parent=union_a)


def test_an_officer_sees_the_cases_of_their_union_and_below_only(
    client, officer, officer_b, union_a, union_b, sub_union
):
    hardship_case(person_in(union_a, name="甲"), officer)
    hardship_case(person_in(sub_union, name="乙"), officer)
    hardship_case(person_in(union_b, name="丙"), officer_b)
    client.force_login(officer)

    response = client.get(URL)

    assert response.status_code == 200
    assert names(response) == {"甲", "乙"}


@pytest.mark.parametrize("role", ["finance", "auditor", "leader"])
def test_readers_of_the_federation_see_every_case(
    request, client, role, officer, officer_b, union_a, union_b
):
    hardship_case(person_in(union_a, name="甲"), officer)
    hardship_case(person_in(union_b, name="丙"), officer_b)
    client.force_login(request.getfixturevalue(role))
    assert names(client.get(URL)) == {"甲", "丙"}


def test_filters_category_level_status_and_organisation(client, officer, union_a, sub_union):
    deep = hardship_case(person_in(union_a, name="深"), officer, hardship_level="deep")
    open_case(person_in(sub_union, name="丧"), category="condolence", by=officer)
    closed_case(person_in(union_a, name="结"), officer)
    client.force_login(officer)

    assert names(client.get(URL, {"category": "condolence"})) == {"丧"}
    assert names(client.get(URL, {"hardship_level": "deep"})) == {"深"}
    assert names(client.get(URL, {"status": "closed"})) == {"结"}
    assert names(client.get(URL, {"organisation": sub_union.pk})) == {"丧"}
    assert names(client.get(URL, {"organisation": union_a.pk})) == {"深", "丧", "结"}
    assert deep.pk


def test_an_organisation_outside_the_scope_is_not_a_valid_filter(
    client, officer, officer_b, union_a, union_b
):
    hardship_case(person_in(union_a, name="甲"), officer)
    hardship_case(person_in(union_b, name="丙"), officer_b)
    client.force_login(officer)
    response = client.get(URL, {"organisation": union_b.pk})
    assert "organisation" in response.context["filter"].errors
    assert "丙" not in names(response)


def test_overdue_filter_lists_hardship_cases_unverified_for_over_a_year(client, officer, union_a):
    stale = hardship_case(person_in(union_a, name="旧"), officer)
    fresh = hardship_case(person_in(union_a, name="新"), officer)
    today = timezone.localdate()
    Case.objects.filter(pk=stale.pk).update(
        status="verified", last_verified_on=today - datetime.timedelta(days=400)
    )
    Case.objects.filter(pk=fresh.pk).update(
        status="verified", last_verified_on=today - datetime.timedelta(days=30)
    )
    client.force_login(officer)

    response = client.get(URL, {"overdue": "on"})

    assert names(response) == {"旧"}
    assert "逾期未复核" in response.content.decode()


def test_search_by_name_prefix_and_id_number_tail(client, officer, union_a):
    wang = person_in(union_a, name="王小明")
    hardship_case(wang, officer)
    hardship_case(person_in(union_a, name="李四"), officer)
    client.force_login(officer)

    assert names(client.get(URL, {"q": "王"})) == {"王小明"}
    assert names(client.get(URL, {"q": wang.id_number[-4:]})) == {"王小明"}
    assert names(client.get(URL, {"q": wang.id_number}, follow=True)) == {"王小明"}
    assert names(client.get(URL, {"q": "赵"})) == set()


def test_the_list_shows_masked_id_numbers_only(client, officer, union_a):
    person = person_in(union_a)
    hardship_case(person, officer)
    client.force_login(officer)
    body = client.get(URL).content.decode()
    assert person.id_number not in body
    assert person.masked_id_number in body


def test_the_list_is_paginated(client, officer, union_a):
    for _ in range(27):
        hardship_case(person_in(union_a), officer)
    client.force_login(officer)
    first = client.get(URL).context["page"]
    second = client.get(URL + first.next_url).context["page"]
    assert len(first) == 25 and first.count == 27 and not first.has_previous
    assert len(second) == 2 and second.number == 2 and not second.has_next
    assert not set(first.object_list) & set(second.object_list)
    back = client.get(URL + second.previous_url).context["page"]
    assert back.object_list == first.object_list


# session, user, its permissions (2), its organisation, the scope's organisation ids, capped
# count, roles, filter choices, the page of cases with person, organisation and last visit date.
CASE_LIST_QUERIES = 10


def test_the_case_list_runs_a_fixed_number_of_queries(
    client, officer, union_a, sub_union, django_assert_num_queries
):
    def add_cases(n):
        for i in range(n):
            case = backdate(hardship_case(person_in(sub_union if i % 2 else union_a), officer), 5)
            visit(case, officer, days_ago=1)

    add_cases(2)
    client.force_login(officer)
    client.get(URL)  # warm the session and the permission caches of the first request
    with django_assert_num_queries(CASE_LIST_QUERIES):
        client.get(URL, {"category": "hardship"})
    add_cases(20)
    with django_assert_num_queries(CASE_LIST_QUERIES):
        client.get(URL, {"category": "hardship"})


def test_my_open_cases_filter_matches_the_dashboard(client, officer, union_a):
    colleague = make_user(Role.CASE_OFFICER, union_a)
    mine = hardship_case(person_in(union_a, name="我的"), officer)
    visit(backdate(mine, 3), officer)
    verify_case(mine, by=officer)
    hardship_case(person_in(union_a, name="同事的"), colleague)
    closed_case(person_in(union_a, name="已结"), officer)
    client.force_login(officer)

    assert names(client.get(URL, {"mine": "on"})) == {"我的"}


def test_a_row_links_the_case_escapes_the_name_and_shows_status_dates_and_level(
    client, officer, union_a
):
    case = backdate(hardship_case(person_in(union_a, name="<i>O'Neil</i>"), officer), 10)
    visit(case, officer, days_ago=2)
    client.force_login(officer)

    body = client.get(URL).content.decode()
    row = body.split("<tbody>")[1].split("</tbody>")[0]

    assert f'<a href="{case.get_absolute_url()}">&lt;i&gt;O&#x27;Neil&lt;/i&gt;</a>' in row
    assert '<td data-label="类别">困难职工帮扶 · 相对困难</td>' in row
    assert '<span class="badge badge-warn">待核实</span>' in row
    visited = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    assert f'<td data-label="最近走访">{visited}</td>' in row
    assert '<td data-label="最近核实">—</td>' in row
    assert "<i>" not in row
