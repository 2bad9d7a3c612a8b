"""Who may open 统计, what a bad filter does, and the page's constant cost."""

import datetime

import pytest
from django.urls import reverse

from tests.payments.factories import case_in

PAGES = ("figures:statistics", "figures:payments", "figures:files", "figures:visits")


@pytest.mark.parametrize("name", PAGES)
def test_the_administrator_and_anonymous_cannot_open_statistics(client, administrator, name):
    assert client.get(reverse(name)).status_code == 302
    client.force_login(administrator)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("role", ["leader", "finance", "auditor", "officer"])
def test_each_reading_role_opens_statistics(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("figures:statistics"), {"year": 2026})
    assert response.status_code == 200
    assert "2026 年度统计" in response.content.decode()


def test_a_bad_filter_is_named_and_left_out(client, leader, walk):
    walk("paid", paid_on=datetime.date(2026, 2, 2))
    client.force_login(leader)
    response = client.get(
        reverse("figures:statistics"), {"year": "20x6", "sector": "mining", "kind": "warmth"}
    )
    assert response.status_code == 200
    errors = response.context["f"].errors
    assert any("年度“20x6”无效" in e for e in errors)
    assert any("“行业”的值“mining”无效" in e for e in errors)
    assert response.context["f"].kind == "warmth"
    for junk in ("²⁰²⁶", "99999999999999", "-1"):
        assert client.get(reverse("figures:statistics"), {"year": junk}).status_code == 200
        assert client.get(reverse("figures:payments"), {"month": junk}).status_code == 200


def test_an_organisation_that_does_not_exist_is_a_404(client, leader):
    client.force_login(leader)
    assert client.get(reverse("figures:statistics"), {"organisation": 99999}).status_code == 404
    assert client.get(reverse("figures:statistics"), {"organisation": "x"}).status_code == 404


def test_the_page_costs_the_same_number_of_queries_whatever_the_rows(
    client, leader, officer, walk, union_a, django_assert_num_queries
):
    from tests.factories import OrganisationFactory

    def page():
        client.get(reverse("figures:statistics"), {"year": 2026})

    branches = [OrganisationFactory(parent=union_a, sector="culture") for _ in range(3)]
    walk("paid", paid_on=datetime.date(2026, 2, 2))
    client.force_login(leader)
    page()  # the session's first request writes its activity stamp
    with django_assert_num_queries(QUERIES):
        page()
    for n, branch in enumerate(branches):
        walk("paid", paid_on=datetime.date(2026, 3 + n, 2), case=case_in(branch, officer=officer))
        walk("approved")
    with django_assert_num_queries(QUERIES):
        page()


def test_a_list_behind_a_figure_costs_the_same_whatever_the_rows(
    client, leader, walk, django_assert_num_queries
):
    url = reverse("figures:payments")
    walk("paid", paid_on=datetime.date(2026, 2, 2))
    client.force_login(leader)
    client.get(url, {"year": 2026})
    with django_assert_num_queries(LIST_QUERIES):
        client.get(url, {"year": 2026})
    for n in range(3):
        walk("paid", paid_on=datetime.date(2026, 3 + n, 2))
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url, {"year": 2026})
    assert len(response.context["page"].object_list) == 4


QUERIES = 19  # the files (返困 too) from their tallies, one query
LIST_QUERIES = 9  # the list counts its rows with its total: no capped count of its own


def test_a_filtered_page_costs_one_query_more_whatever_the_rows(
    client, leader, officer, walk, union_a, django_assert_num_queries
):
    """The chosen union's subtree is resolved to ids once (then reused by every figure)."""
    from tests.factories import OrganisationFactory

    branches = [OrganisationFactory(parent=union_a, sector="education") for _ in range(2)]
    walk("paid", paid_on=datetime.date(2026, 2, 2))
    client.force_login(leader)
    params = {"year": 2026, "organisation": union_a.pk, "sector": "education"}
    client.get(reverse("figures:statistics"), params)
    with django_assert_num_queries(QUERIES + 2):  # the organisation looked up, its subtree
        client.get(reverse("figures:statistics"), params)
    for n, branch in enumerate(branches):
        walk("paid", paid_on=datetime.date(2026, 3 + n, 2), case=case_in(branch, officer=officer))
    with django_assert_num_queries(QUERIES + 2):
        response = client.get(reverse("figures:statistics"), params)
    assert response.context["stats"].total.money.paid_n == 3


def test_unions_are_listed_by_their_code_not_by_their_place_in_the_path(
    client, leader, officer, walk, union_a
):
    """Paths hold ids ("/1/10/" sorts before "/1/9/"): the by-union rows of the page and of the
    return follow the federation's codes whatever the ids. Created Z, Y, X: of three
    consecutive ids, at least two are in the paths' order, so the path order cannot pass."""
    from tests.factories import OrganisationFactory

    unions = [
        OrganisationFactory(code=code, name=f"{code}分会", parent=union_a)
        for code in ("U-Z", "U-Y", "U-X")
    ]
    for n, union in enumerate(unions):
        walk("paid", paid_on=datetime.date(2026, 2, 2 + n), case=case_in(union, officer=officer))
    client.force_login(leader)
    walk("paid", paid_on=datetime.date(2026, 3, 1))  # the union's own row (本级) goes first
    query = {"year": 2026, "organisation": union_a.pk}
    stats = client.get(reverse("figures:statistics"), query).context["stats"]
    assert [row.label for row in stats.by_union] == [
        f"{union_a.name}（本级）",
        "U-X分会",
        "U-Y分会",
        "U-Z分会",
    ]


def test_the_grand_total_is_a_row_of_the_table_it_totals(client, leader, walk):
    """The 合计 under 活动类型 × 救助项目 × 经费来源 × 困难类别 is that table's footer, one cell
    per column (it was a table of its own whose cells did not line up with the columns)."""
    import re

    walk("paid", paid_on=datetime.date(2026, 2, 2))
    client.force_login(leader)
    html = client.get(reverse("figures:statistics"), {"year": 2026}).content.decode()
    table = html[html.index("活动类型 · 救助项目 · 经费来源 · 困难类别") :]
    table = table[: table.index("</table>")]
    header = table[: table.index("</thead>")]
    footer = table[table.index("<tfoot>") : table.index("</tfoot>")]
    assert "合计" in footer
    assert len(re.findall(r"<td", footer)) == len(re.findall(r"</th>", header)) == 9
    assert 'class="list figures total"' not in html


def test_a_hardship_file_figure_opens_its_list_without_a_false_error(client, leader, walk):
    """Found in the browser: every list behind a 困难职工建档 figure said its figure was invalid."""
    walk("paid", paid_on=datetime.date(2026, 2, 2), category="hardship")
    client.force_login(leader)
    for figure in ("in_file", "new", "exited", "returned", "withdrawn", "due", "reviewed"):
        response = client.get(reverse("figures:files"), {"year": 2026, "figure": figure})
        assert response.status_code == 200
        assert response.context["f"].errors == (), figure
        assert "无效" not in response.content.decode()
        assert response.context["figure_label"] in response.content.decode()  # which figure
    response = client.get(reverse("figures:files"), {"year": 2026, "figure": "net"})
    assert any("“指标”的值“net”无效" in e for e in response.context["f"].errors)
    assert response.context["figure"] == "in_file"  # said, and the section's first figure shown


def test_a_list_names_its_filters_by_their_labels_not_their_codes(client, leader, walk):
    """Found in the browser: 活动类型 hubei_team, 行业 health."""
    client.force_login(leader)
    params = {"year": 2026, "kind": "hubei_team", "sector": "health", "category": "frontline"}
    text = client.get(reverse("figures:payments"), params).content.decode()
    assert "援鄂医疗队慰问" in text and "卫生" in text and "抗疫一线关爱" in text
    for code in ("hubei_team", "health"):
        assert f" {code}" not in text.split("返回统计")[0].rsplit('<p class="muted">', 1)[-1]


def test_the_page_heading_names_whose_figures_it_shows(client, officer, union_a, leader):
    """Found in the browser: on a phone an officer's page did not say which union it covers."""
    client.force_login(officer)
    heading = client.get(reverse("figures:statistics"), {"year": 2026}).content.decode()
    assert f"2026 年度统计 · {union_a.name}</h1>" in heading
    client.force_login(leader)
    heading = client.get(reverse("figures:statistics"), {"year": 2026}).content.decode()
    assert "2026 年度统计 · 市教科文卫体工会</h1>" in heading


def test_a_visit_list_names_its_occasion_and_kind(client, leader):
    """Found in the browser: the visit list did not say which cell of the table it lists."""
    client.force_login(leader)
    for occasion, label in (("spring_festival", "春节"), ("none", "非节日慰问")):
        params = {"year": 2026, "occasion": occasion, "visit_kind": "home"}
        response = client.get(reverse("figures:visits"), params)
        assert response.context["f"].errors == ()
        subtitle = response.content.decode().split("返回统计")[0]
        assert label in subtitle and "走访方式 入户" in subtitle


FILE_LIST_QUERIES = 9  # the lists of files and of visits: the same whatever their rows
VISIT_LIST_QUERIES = 9


@pytest.mark.parametrize(
    "name, params, pinned",
    [
        ("figures:files", {"figure": "in_file"}, FILE_LIST_QUERIES),
        ("figures:visits", {"visit_kind": "home"}, VISIT_LIST_QUERIES),
    ],
)
def test_the_file_and_visit_lists_cost_the_same_whatever_the_rows(
    client, leader, officer, union_a, name, params, pinned, django_assert_num_queries
):
    from tests.factories import VisitFactory

    def add(n):
        for _ in range(n):
            case = case_in(
                union_a,
                officer=officer,
                hardship_level="relative",
                file_approved_on=datetime.date(2026, 3, 1),
            )
            VisitFactory(case=case, visit_date=datetime.date(2026, 4, 1), recorded_by=officer)

    url = reverse(name)
    add(1)
    client.force_login(leader)
    client.get(url, {"year": 2026, **params})  # the session's first request writes its stamp
    with django_assert_num_queries(pinned):
        assert len(client.get(url, {"year": 2026, **params}).context["page"].object_list) == 1
    add(3)
    with django_assert_num_queries(pinned):
        assert len(client.get(url, {"year": 2026, **params}).context["page"].object_list) == 4
