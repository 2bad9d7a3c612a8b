"""Error pages speak the user's language, keep the site's layout and offer a way back
(issue 15 item 13)."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_forbidden_page_is_chinese_in_the_layout_with_a_way_back(client, officer):
    client.force_login(officer)
    response = client.get(reverse("audits:changelog"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "无权操作" in body and "系统管理员" in body
    assert 'class="topbar"' in body and f'href="{reverse("home")}"' in body
    assert "403 Forbidden" not in body and "Auditors have" not in body


def test_missing_or_out_of_scope_record_is_a_404_page_that_does_not_say_which(client, officer):
    client.force_login(officer)
    response = client.get("/people/999999999/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and "查看范围" in body and "返回首页" in body
    assert 'class="mainnav"' in body  # the signed-in user keeps the menu


def test_404_in_english_for_a_user_who_chose_english(client, officer):
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/no-such-page/").content.decode()
    assert "Page not found" in body and "Back to home" in body and "页面不存在" not in body


def test_anonymous_404_offers_the_login(client):
    body = client.get("/no-such-page/").content.decode()
    assert "页面不存在" in body and reverse("login") in body


def test_expired_form_explains_what_to_do(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "页面已过期" in body and "刷新后重新提交" in body


def test_server_error_page_renders_without_a_request_context_or_queries(
    django_assert_num_queries,
):
    request = RequestFactory().get("/")
    with translation.override("zh-hans"), django_assert_num_queries(0):
        response = server_error(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统出错" in body and "返回首页" in body and 'class="topbar"' in body
