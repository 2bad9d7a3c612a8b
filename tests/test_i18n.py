"""Simplified Chinese by default; English when the user switches. Both render."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from tests.factories import PersonFactory


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    """`make setup` compiles the catalogues; do it here too when pytest runs on its own."""
    catalogues = list(Path(settings.BASE_DIR).glob("*/locale/en/LC_MESSAGES/django.po"))
    catalogues += list(Path(settings.BASE_DIR).glob("locale/en/LC_MESSAGES/django.po"))
    if any(not po.with_suffix(".mo").exists() for po in catalogues):
        call_command("compilemessages", locale=["en"], ignore_patterns=[".venv"], verbosity=0)
        from django.utils.translation import trans_real

        trans_real._translations = {}
        trans_real._default = None


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_login_page_is_chinese_by_default_even_for_an_english_browser(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "登录" in body and "Sign in" not in body


def test_language_switch_sets_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    body = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in body
    assert "Sign in" in body
    assert "中文" in body  # the way back


def test_people_pages_render_in_chinese(client, officer):
    person = PersonFactory(organisation=officer.organisation)
    client.force_login(officer)
    listing = client.get(reverse("cases:person_list")).content.decode()
    assert "职工名册" in listing and "身份证号" in listing
    detail = client.get(person.get_absolute_url()).content.decode()
    assert "基本信息" in detail and "查看完整号码" in detail


def test_people_pages_render_in_english(client, officer):
    person = PersonFactory(organisation=officer.organisation)
    client.force_login(officer)
    english(client)
    listing = client.get(reverse("cases:person_list")).content.decode()
    assert "People register" in listing and "ID number" in listing
    assert "职工名册" not in listing
    detail = client.get(person.get_absolute_url()).content.decode()
    assert "Household and bank" in detail and "Show full number" in detail
    form = client.get(reverse("cases:person_create")).content.decode()
    assert "Register a person" in form


def test_form_messages_are_translated(client, officer):
    client.force_login(officer)
    english(client)
    response = client.post(reverse("cases:person_create"), {"id_number": "410102800101123"})
    assert "old 15-digit ID number" in response.content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_organisation_pages_render_in_both_languages(client, finance, union_a, language):
    client.force_login(finance)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert client.get(reverse("cases:organisation_list")).status_code == 200
    assert client.get(union_a.get_absolute_url()).status_code == 200
