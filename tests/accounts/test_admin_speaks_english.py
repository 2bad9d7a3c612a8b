"""The configuration pages in English: Relief's own header, roles by name in both languages, one
name field on the user form (issue 15 item 15)."""

import re

import pytest
from django.urls import reverse

from accounts.roles import Role

pytestmark = pytest.mark.django_db


def page(client, url, language, settings) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_admin_header_is_reliefs_in_both_languages(client, administrator, settings):
    client.force_login(administrator)
    english = page(client, reverse("admin:index"), "en", settings)
    assert "Relief · Configuration" in english and "Django" not in english.split("<body", 1)[1]
    chinese = page(client, reverse("admin:index"), "zh-hans", settings)
    assert "职工帮扶慰问 · 系统配置" in chinese and "Django 管理" not in chinese


def test_the_user_form_offers_roles_by_name_and_one_name_field(
    client, administrator, officer, settings
):
    client.force_login(administrator)
    url = reverse("admin:accounts_user_change", args=[officer.pk])
    english = page(client, url, "en", settings)
    assert 'name="display_name"' in english
    assert 'name="first_name"' not in english and 'name="last_name"' not in english
    assert 'data-field-name="Roles"' in english
    options = re.findall(
        r'<option value="\d+"[^>]*>([^<]+)</option>', english.split('name="groups"')[1]
    )
    assert "Case officer" in options and "case_officer" not in options
    assert "组" not in english

    chinese = page(client, url, "zh-hans", settings)
    assert 'data-field-name="角色"' in chinese and "帮扶专干" in chinese


def test_the_user_list_filters_by_role_name(client, administrator, officer, finance, settings):
    client.force_login(administrator)
    url = reverse("admin:accounts_user_changelist")
    english = page(client, url + "?role=" + Role.CASE_OFFICER, "en", settings)
    assert "Case officer" in english and officer.username in english
    table = english.split('id="result_list"')[1].split("</table>")[0]
    assert officer.username in table and f">{finance.username}<" not in table


def test_the_role_list_shows_role_names(client, administrator, settings):
    client.force_login(administrator)
    from django.contrib.auth.models import Permission

    administrator.user_permissions.add(Permission.objects.get(codename="view_group"))
    body = page(client, reverse("admin:auth_group_changelist"), "en", settings)
    assert "Finance officer" in body


def test_officers_cannot_open_the_admin(client, officer, settings):
    client.force_login(officer)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302 and "login" in response.url
