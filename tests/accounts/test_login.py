"""Signing in and out, password change, and the role-aware navigation."""

import pytest
from django.urls import reverse


def test_login_page_renders(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_officer_signs_in_and_sees_the_people_link(client, officer):
    response = client.post(
        reverse("login"), {"username": "officer_a", "password": "pw-Relief-2026"}, follow=True
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("cases:person_list") in body
    assert reverse("admin:index") not in body


def test_wrong_password_shows_a_message_and_does_not_sign_in(client, officer):
    response = client.post(reverse("login"), {"username": "officer_a", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_home_requires_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302


def test_administrator_sees_the_configuration_link(client, administrator):
    client.force_login(administrator)
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()


def test_logout_is_a_post(client, officer):
    client.force_login(officer)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("page", ["password_change"])
def test_password_change_page_renders(client, officer, page):
    client.force_login(officer)
    assert client.get(reverse(page)).status_code == 200


def test_repeated_wrong_passwords_lock_the_account_with_a_chinese_page(client, officer):
    for _ in range(5):
        client.post(reverse("login"), {"username": "officer_a", "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": "officer_a", "password": "pw-Relief-2026"}
    )
    assert response.status_code == 429
    assert "已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
