"""Every form opens with the same error summary: pages that render a form whole get it from the
project's form templates, pages that lay fields out by hand include it (issue 15 item 4)."""

import pytest
from django import forms
from django.urls import reverse


class _Form(forms.Form):
    name = forms.CharField(label="姓名")
    amount = forms.DecimalField(label="金额（元）")

    def clean(self):
        if self.data.get("name") == "":
            raise forms.ValidationError("整张表的错误")
        return self.cleaned_data


@pytest.mark.parametrize("render", ["as_p", "as_div", "__str__"])
def test_a_form_rendered_whole_opens_with_the_summary(render):
    html = getattr(_Form({"name": "", "amount": "abc"}), render)()
    start = html.index("data-error-summary")
    assert start < html.index('name="name"')
    summary = html[start : html.index("</div>", start)]
    assert "提交未成功，尚未保存任何内容" in summary
    assert (
        '<a href="#id_name">姓名</a>' in summary
        and '<a href="#id_amount">金额（元）</a>' in summary
    )
    assert "整张表的错误" in summary


def test_a_valid_or_unbound_form_has_no_summary():
    assert "data-error-summary" not in _Form().as_p()
    assert "data-error-summary" not in _Form({"name": "x", "amount": "1"}).as_p()


@pytest.mark.django_db
def test_a_failed_sign_in_shows_the_summary(client, officer):
    body = client.post(reverse("login"), {"username": officer.username, "password": "x"})
    assert "data-error-summary" in body.content.decode()


@pytest.mark.django_db
def test_the_summary_speaks_english(client, officer, settings):
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.post(reverse("api:tokens"), {"name": ""}).content.decode()
    assert "Not submitted; nothing has been saved" in body
