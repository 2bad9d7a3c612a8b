import pytest
from django.urls import reverse

from accounts.roles import Role
from letters.defaults import DEFAULT_TEMPLATE
from letters.models import LetterTemplate
from letters.receivers import copy_template_on_campaign_copy
from letters.rendering import template_text_for
from letters.services import LetterRefused, TemplateRefused, save_letter_template
from tests.audit_helpers import assert_audit_intact
from tests.factories import make_user

from .factories import CampaignFactory

BODY = "尊敬的{{收信人}}：\n值此{{活动名称}}之际，送上{{金额大写}}。"


@pytest.fixture
def campaign(federation):
    return CampaignFactory(organisation=federation, name="2020年春节送温暖")


def test_administrator_saves_a_template_with_history_user_and_reason(campaign, administrator):
    template = save_letter_template(
        campaign=campaign,
        title="慰问信",
        body=BODY,
        signature="{{发文单位}}\n{{日期}}",
        by=administrator,
        reason="新年度文本",
    )
    assert (template.body, template.updated_by) == (BODY, administrator)
    record = template.history.latest()
    assert (record.history_user, record.history_change_reason) == (administrator, "新年度文本")
    assert_audit_intact()


def test_an_unchanged_template_writes_no_history(campaign, administrator):
    args = {"campaign": campaign, "title": "慰问信", "body": BODY, "signature": "{{日期}}"}
    template = save_letter_template(**args, by=administrator)
    save_letter_template(**args, by=administrator)
    assert template.history.count() == 1


def test_a_refused_template_changes_nothing(campaign, administrator):
    save_letter_template(
        campaign=campaign, title="慰问信", body=BODY, signature="{{日期}}", by=administrator
    )
    with pytest.raises(TemplateRefused) as refused:
        save_letter_template(
            campaign=campaign,
            title="慰问信",
            body="{{ person.id_number }}",
            signature="{% now 'Y' %}",
            by=administrator,
        )
    assert set(refused.value.problems) == {"body", "signature"}
    assert "{{ person.id_number }}" in refused.value.message
    assert LetterTemplate.objects.get(campaign=campaign).body == BODY


def test_only_administrators_edit_templates(campaign, officer):
    with pytest.raises(LetterRefused):
        save_letter_template(campaign=campaign, title="t", body=BODY, signature="", by=officer)
    assert not LetterTemplate.objects.exists()


def test_a_campaign_without_template_uses_the_standard_wording(campaign):
    assert template_text_for(campaign) == DEFAULT_TEMPLATE
    assert "{{金额大写}}" in DEFAULT_TEMPLATE.body


def test_the_edit_page_shows_the_standard_text_and_a_preview(client, administrator, campaign):
    client.force_login(administrator)
    page = client.get(reverse("letters:template_edit", args=[campaign.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "{{收信人}}" in text  # the standard body, ready to edit
    assert "人民币壹仟贰佰元整" in text  # the preview with sample data
    assert "hx-post" in text


def test_the_edit_page_saves_and_redirects(client, administrator, campaign):
    client.force_login(administrator)
    response = client.post(
        reverse("letters:template_edit", args=[campaign.pk]),
        {"title": "慰问信", "body": BODY, "signature": "{{发文单位}}", "reason": "定稿"},
    )
    assert response.status_code == 302
    template = LetterTemplate.objects.get(campaign=campaign)
    assert template.history.latest().history_change_reason == "定稿"


def test_the_edit_page_refuses_template_code_and_names_it(client, administrator, campaign):
    client.force_login(administrator)
    response = client.post(
        reverse("letters:template_edit", args=[campaign.pk]),
        {"title": "{{姓名|upper}}", "body": "{% include 'x.html' %}", "signature": "{{ 落款人 }}"},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "{{姓名|upper}}" in text and "过滤器" in text
    assert "{% include &#x27;x.html&#x27; %}" in text
    assert "{{ 落款人 }}" in text and "未知的占位符" in text
    assert not LetterTemplate.objects.exists()


def test_the_live_preview_escapes_what_is_typed(client, administrator, campaign):
    client.force_login(administrator)
    response = client.post(
        reverse("letters:template_preview", args=[campaign.pk]),
        {"title": "慰问信", "body": "<img src=x onerror=alert(1)>{{姓名}}", "signature": ""},
        HTTP_HX_REQUEST="true",
    )
    text = response.content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;张𠈌" in text
    assert "<img" not in text


@pytest.mark.parametrize("role", [Role.CASE_OFFICER, Role.FINANCE, Role.AUDITOR])
def test_other_roles_cannot_edit_templates(client, federation, campaign, role):
    client.force_login(make_user(role, federation))
    url = reverse("letters:template_edit", args=[campaign.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "t", "body": "b", "signature": ""}).status_code == 403
    assert not LetterTemplate.objects.exists()


def test_a_campaign_outside_the_administrators_scope_is_not_found(client, union_a, union_b):
    other = CampaignFactory(organisation=union_b)
    admin_a = make_user(Role.ADMINISTRATOR, union_a)
    client.force_login(admin_a)
    assert client.get(reverse("letters:template_edit", args=[other.pk])).status_code == 404


def test_a_copied_campaign_carries_the_template_over(campaign, administrator):
    save_letter_template(
        campaign=campaign, title="慰问信", body=BODY, signature="{{日期}}", by=administrator
    )
    next_year = CampaignFactory(organisation=campaign.organisation, name="2021年春节送温暖")
    copy_template_on_campaign_copy(None, source=campaign, campaign=next_year, by=administrator)
    copied = LetterTemplate.objects.get(campaign=next_year)
    assert (copied.title, copied.body, copied.signature) == ("慰问信", BODY, "{{日期}}")
    assert "2020年春节送温暖" in copied.history.latest().history_change_reason


def test_copying_keeps_an_existing_template_and_ignores_a_source_without_one(
    campaign, administrator
):
    target = CampaignFactory(organisation=campaign.organisation)
    copy_template_on_campaign_copy(None, source=campaign, campaign=target, by=administrator)
    assert not LetterTemplate.objects.exists()
    save_letter_template(campaign=campaign, title="甲", body=BODY, signature="", by=administrator)
    save_letter_template(campaign=target, title="乙", body=BODY, signature="", by=administrator)
    copy_template_on_campaign_copy(None, source=campaign, campaign=target, by=administrator)
    assert LetterTemplate.objects.get(campaign=target).title == "乙"


def test_the_admin_validates_like_the_letters_page(client, administrator, campaign):
    client.force_login(administrator)
    url = reverse("admin:letters_lettertemplate_add")
    refused = client.post(
        url, {"campaign": campaign.pk, "title": "慰问信", "body": "{{ a.b }}", "signature": ""}
    )
    assert refused.status_code == 200 and "{{ a.b }}" in refused.content.decode()
    assert not LetterTemplate.objects.exists()
    saved = client.post(
        url, {"campaign": campaign.pk, "title": "慰问信", "body": BODY, "signature": "{{日期}}"}
    )
    assert saved.status_code == 302
    assert LetterTemplate.objects.get().history.latest().history_user == administrator
    assert_audit_intact()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_first_saves_of_a_template_at_once_both_succeed_one_after_the_other(federation):
    """The campaign row lock queues the second save behind the first (no duplicate insert)."""
    import threading

    from django.db import close_old_connections, connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    admins = [make_user(Role.ADMINISTRATOR, federation) for _ in range(2)]
    campaign = CampaignFactory(organisation=federation)
    barrier = threading.Barrier(2)
    errors = []

    def save(admin, title):
        try:
            barrier.wait()
            save_letter_template(
                campaign=campaign, title=title, body=BODY, signature="{{日期}}", by=admin
            )
        except Exception as error:  # noqa: BLE001 - the test reports any failure
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=save, args=(a, f"标题{i}")) for i, a in enumerate(admins)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    template = LetterTemplate.objects.get(campaign=campaign)
    assert template.history.count() == 2
