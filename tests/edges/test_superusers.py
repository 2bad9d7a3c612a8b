"""Administrators manage ordinary users only; superusers are managed by superusers (issue 12
item 7)."""

import pytest
from django.urls import reverse

from accounts.models import User


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", password="Original-pass-1")


def test_an_administrator_cannot_change_a_superusers_password(client, administrator, root):
    client.force_login(administrator)
    url = reverse("admin:auth_user_password_change", args=[root.pk])
    response = client.post(
        url, {"password1": "Taken-over-9x", "password2": "Taken-over-9x", "usable_password": "true"}
    )
    assert response.status_code == 404
    root.refresh_from_db()
    assert root.check_password("Original-pass-1")


def test_an_administrator_neither_sees_nor_edits_nor_deletes_a_superuser(
    client, administrator, root
):
    client.force_login(administrator)
    listing = client.get(reverse("admin:accounts_user_changelist"))
    assert listing.status_code == 200 and "root" not in [
        u.username for u in listing.context["cl"].result_list
    ]
    change = client.post(
        reverse("admin:accounts_user_change", args=[root.pk]),
        {"username": "root", "is_active": ""},
    )
    assert change.status_code == 302 and change.url == reverse("admin:index")
    delete = client.post(reverse("admin:accounts_user_delete", args=[root.pk]), {"post": "yes"})
    assert delete.status_code == 302 and delete.url == reverse("admin:index")
    root.refresh_from_db()
    assert root.is_active and root.is_superuser


def test_administrators_still_manage_ordinary_users_and_superusers_manage_superusers(
    client, administrator, officer, root
):
    client.force_login(administrator)
    url = reverse("admin:auth_user_password_change", args=[officer.pk])
    assert client.get(url).status_code == 200
    other_root = User.objects.create_superuser("root2", password="Original-pass-2")
    client.force_login(root)
    url = reverse("admin:auth_user_password_change", args=[other_root.pk])
    assert client.get(url).status_code == 200
