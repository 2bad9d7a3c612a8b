"""Optimistic concurrency on the edit forms (issue 12 item 9): a form shown before someone
else's save is refused with "已被他人修改" and what changed, instead of silently reverting it;
submitting again after looking saves. Person, letter template and campaign forms."""

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from cases.services import save_person
from letters.models import LetterTemplate
from letters.services import save_letter_template
from payments.admin import CampaignForm
from payments.services import save_campaign
from tests.audit_helpers import assert_audit_intact
from tests.cases.test_people_forms import form_data
from tests.factories import PersonFactory, make_user

BODY = "尊敬的{{收信人}}：\n{{活动名称}}，特送上慰问金{{金额}}。"


@pytest.fixture
def person(union_a):
    return PersonFactory(organisation=union_a, name="王五", position="教师")


def _edit_data(person, union_a, version, **changes):
    data = form_data(
        union_a, name="王五", gender=person.gender, id_number="", bank_account="", **changes
    )
    data.update(version=version, change_reason="核对后更新")
    return data


def test_a_stale_person_form_is_refused_and_says_what_changed(client, officer, union_a, person):
    client.force_login(officer)
    url = reverse("cases:person_edit", args=[person.pk])
    version = client.get(url).context["form"]["version"].value()
    other = make_user("case_officer", union_a, username="colleague")
    person.address = "金水路88号"
    save_person(person, by=other, reason="电话核实新住址")

    stale = client.post(url, _edit_data(person, union_a, version, position="校医"))
    text = stale.content.decode()
    assert stale.status_code == 200
    assert "已被他人修改" in text and str(other) in text
    assert "住址：" in text and "金水路88号" in text
    person.refresh_from_db()
    assert (person.address, person.position) == ("金水路88号", "教师")

    fresh = stale.context["form"]["version"].value()
    assert fresh != version
    again = client.post(
        url, _edit_data(person, union_a, fresh, position="校医", address="金水路88号")
    )
    assert again.status_code == 302
    person.refresh_from_db()
    assert (person.address, person.position) == ("金水路88号", "校医")
    assert_audit_intact()


def test_a_current_person_form_saves_and_a_bad_version_changes_nothing(
    client, officer, union_a, person
):
    client.force_login(officer)
    url = reverse("cases:person_edit", args=[person.pk])
    version = client.get(url).context["form"]["version"].value()
    junk = client.post(url, _edit_data(person, union_a, "junk\x00", position="司机"))
    assert junk.status_code == 200 and "已被他人修改" in junk.content.decode()
    person.refresh_from_db()
    assert person.position == "教师"
    ok = client.post(url, _edit_data(person, union_a, version, position="司机"))
    assert ok.status_code == 302


def test_the_stale_message_masks_a_changed_account(client, officer, union_a, person):
    client.force_login(officer)
    url = reverse("cases:person_edit", args=[person.pk])
    version = client.get(url).context["form"]["version"].value()
    person.bank_account = "6222020200099998888"
    save_person(person, by=officer, reason="换卡")
    text = client.post(url, _edit_data(person, union_a, version)).content.decode()
    assert "已被他人修改" in text and "6222020200099998888" not in text
    assert "622202*********8888" in text


def test_a_stale_letter_template_form_is_refused(client, campaign, administrator):
    client.force_login(administrator)
    url = reverse("letters:template_edit", args=[campaign.pk])
    version = client.get(url).context["form"]["version"].value()
    save_letter_template(
        campaign=campaign,
        by=administrator,
        reason="另一窗口",
        title="慰问信",
        body=BODY,
        signature="{{发文单位}}",
    )
    response = client.post(
        url,
        {
            "title": "致援鄂医疗队员的慰问信",
            "body": BODY,
            "signature": "{{发文单位}}",
            "version": version,
        },
    )
    assert response.status_code == 200 and "已被他人修改" in response.content.decode()
    assert LetterTemplate.objects.get(campaign=campaign).title == "慰问信"


def test_a_stale_campaign_form_is_refused(campaign, administrator):
    shown = CampaignForm(instance=campaign)
    version = shown["version"].value()
    campaign.budget += 1000
    save_campaign(campaign, by=administrator, reason="追加预算")
    data = {k: v for k, v in model_to_dict(campaign).items() if v is not None}
    data.update(version=version, name="改名的活动")
    form = CampaignForm(data, instance=campaign)
    assert not form.is_valid()
    assert "已被他人修改" in " ".join(form.non_field_errors())
    assert "预算" in " ".join(form.non_field_errors())
    current = CampaignForm(dict(data, version=form.data["version"]), instance=campaign)
    assert current.is_valid(), current.errors


def test_an_officer_of_another_union_still_cannot_edit(client, officer_b, union_a, person):
    client.force_login(officer_b)
    url = reverse("cases:person_edit", args=[person.pk])
    assert client.post(url, _edit_data(person, union_a, "1", position="x")).status_code == 404
