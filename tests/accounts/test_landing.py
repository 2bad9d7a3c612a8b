"""Each role lands on its own work after signing in (issue 15 item 17)."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Relief-2026"


@pytest.mark.parametrize(
    ("fixture", "landing"),
    [
        ("officer", "cases:dashboard"),
        ("finance", "payments:approval_queue"),
        ("leader", "payments:second_approval_queue"),
        ("auditor", "audits:changelog"),
    ],
)
def test_signing_in_lands_each_role_on_its_work(client, request, fixture, landing):
    user = request.getfixturevalue(fixture)
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(landing)
    assert response.status_code == 200


def test_an_explicit_next_still_wins(client, finance):
    response = client.post(
        reverse("login") + "?next=" + reverse("cases:person_list"),
        {"username": finance.username, "password": PASSWORD},
    )
    assert response.url == reverse("cases:person_list")


def test_a_user_with_two_roles_lands_where_the_hands_on_one_works(client, union_a):
    user = make_user(Role.AUDITOR, union_a, username="both")
    user.groups.add(*make_user(Role.CASE_OFFICER, union_a, username="tmp").groups.all())
    client.force_login(user)
    assert client.get(reverse("home")).url == reverse("cases:dashboard")


def test_administrator_and_the_menu_link_see_the_home_page(client, administrator, officer):
    client.force_login(administrator)
    assert client.get(reverse("home")).status_code == 200
    client.force_login(officer)
    response = client.get(reverse("home") + "?menu=1")
    assert response.status_code == 200 and "职工名册" in response.content.decode()


def test_the_officer_dashboard_offers_the_person_search(client, officer):
    client.force_login(officer)
    body = client.get(reverse("cases:dashboard")).content.decode()
    assert f'action="{reverse("cases:person_list")}"' in body and 'name="q"' in body
