"""The standard wording per kind of letter, chosen automatically: a condolence never prints
festive words, and the family of a deceased employee is addressed as the family."""

import datetime

import pytest
from django.urls import reverse

from cases.models import Case
from letters import defaults, rendering
from letters.defaults import FESTIVE_WORDS, default_kind, default_text
from letters.models import LetterTemplate
from letters.services import TemplateRefused, print_case_letter, save_letter_template
from tests.audit_helpers import assert_audit_intact

from .factories import CampaignFactory, PaymentFactory
from .test_pdf import pages_text

ISSUED = datetime.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("campaign_kind", "case_category", "deceased", "expected"),
    [
        ("warmth", "hardship", False, defaults.HARDSHIP),
        ("condolence", "hardship", False, defaults.ILLNESS),
        ("warmth", "condolence", False, defaults.ILLNESS),  # a condolence case in a warmth drive
        ("condolence", "condolence", True, defaults.BEREAVEMENT),
        ("warmth", "hardship", True, defaults.BEREAVEMENT),
        ("frontline", "frontline", False, defaults.FRONTLINE),
        ("hubei_team", "hubei_team", False, defaults.HUBEI_TEAM),
        ("occasion", "occasion", False, defaults.OCCASION),
        ("other", "hubei_team", False, defaults.HUBEI_TEAM),
        (None, "occasion", False, defaults.OCCASION),
        (None, None, False, defaults.HARDSHIP),
    ],
)
def test_the_wording_follows_the_person_then_the_campaign_then_the_case(
    campaign_kind, case_category, deceased, expected
):
    kind = default_kind(campaign_kind=campaign_kind, case_category=case_category, deceased=deceased)
    assert kind == expected


@pytest.mark.parametrize("kind", [defaults.ILLNESS, defaults.BEREAVEMENT])
@pytest.mark.parametrize("with_money", [True, False])
def test_illness_and_bereavement_wordings_carry_no_festive_words(kind, with_money):
    text = default_text(kind, with_money=with_money)
    whole = text.title + text.body + text.signature
    assert [w for w in FESTIVE_WORDS if w in whole] == []
    assert ("{{金额大写}}" in whole) is with_money


def test_the_default_wording_of_a_warmth_campaign_is_unchanged():
    assert default_text(defaults.HARDSHIP) == defaults.DEFAULT_TEMPLATE
    assert "万事如意" in defaults.DEFAULT_TEMPLATE.body


@pytest.mark.django_db
def test_rendered_letters_of_each_kind_read_right_in_the_pdf(union_a, federation):
    warmth = CampaignFactory(organisation=federation, name="2026年春节送温暖", kind="warmth")
    condolence = CampaignFactory(organisation=federation, name="患病职工慰问", kind="condolence")
    hubei = CampaignFactory(organisation=federation, name="援鄂医疗队慰问", kind="hubei_team")
    ill = PaymentFactory(organisation=union_a, campaign=condolence, name="王病")
    hardship = PaymentFactory(organisation=union_a, campaign=warmth, name="李困", gender="F")
    mourned = PaymentFactory(organisation=union_a, campaign=condolence, name="赵故")
    mourned.person.deceased_on = datetime.date(2026, 11, 20)
    mourned.person.save()
    team = PaymentFactory(organisation=union_a, campaign=hubei, name="钱医")

    letters = rendering.letters_for_payments([ill, hardship, mourned, team], ISSUED)
    pages = pages_text(rendering.render_letters_pdf(letters).content)

    ill_page, hardship_page, mourned_page, team_page = pages
    assert "尊敬的王病先生" in ill_page and "惊悉您身体欠安" in ill_page
    assert "人民币壹仟贰佰元整" in ill_page and "早日康复" in ill_page
    assert [w for w in FESTIVE_WORDS if w in ill_page] == []
    assert "尊敬的李困女士" in hardship_page and "万事如意" in hardship_page
    assert "慰问信赵故同志的家属：惊悉赵故同志不幸逝世" in mourned_page
    assert "不幸逝世" in mourned_page and "节哀" in mourned_page
    assert "尊敬的" not in mourned_page
    assert [w for w in FESTIVE_WORDS if w in mourned_page] == []
    assert "驰援湖北" in team_page and "阖家安康" in team_page


@pytest.mark.django_db
def test_a_deceased_persons_letter_is_the_condolence_even_in_a_campaign_with_festive_text(
    union_a, federation, administrator
):
    warmth = CampaignFactory(organisation=federation, kind="warmth")
    save_letter_template(
        campaign=warmth,
        title="新春慰问信",
        body="尊敬的{{收信人}}：\n新春佳节，祝您阖家幸福，万事如意！",
        signature="{{发文单位}}",
        by=administrator,
    )
    living = PaymentFactory(organisation=union_a, campaign=warmth, name="孙在")
    mourned = PaymentFactory(organisation=union_a, campaign=warmth, name="周故")
    mourned.person.deceased_on = datetime.date(2026, 10, 1)
    mourned.person.save()

    texts = [rendering.payment_text(p) for p in (living, mourned)]

    assert texts[0].title == "新春慰问信"
    assert texts[1] == default_text(defaults.BEREAVEMENT)


@pytest.mark.django_db
def test_a_condolence_case_letter_without_money_uses_the_illness_wording(
    union_a, officer, fake_pdf
):
    payment = PaymentFactory(organisation=union_a, name="吴病")
    case = payment.case
    Case.objects.filter(pk=case.pk).update(category="condolence", file_stage="")
    case.refresh_from_db()

    text = rendering.case_text(case)
    print_case_letter(case=case, by=officer)

    assert "惊悉您身体欠安" in text.body and "{{金额}}" not in text.body
    assert fake_pdf == [("letters", 1)]


@pytest.mark.django_db
def test_a_condolence_campaign_refuses_a_festive_template_and_keeps_the_old_one(
    federation, administrator
):
    condolence = CampaignFactory(organisation=federation, kind="condolence")
    warmth = CampaignFactory(organisation=federation, kind="warmth")
    festive = "尊敬的{{收信人}}：\n值此新春佳节，祝您万事如意！"
    solemn = default_text(defaults.ILLNESS)
    save_letter_template(
        campaign=condolence,
        title=solemn.title,
        body=solemn.body,
        signature=solemn.signature,
        by=administrator,
    )

    with pytest.raises(TemplateRefused) as refused:
        save_letter_template(
            campaign=condolence, title="慰问信", body=festive, signature="", by=administrator
        )

    assert "新春" in refused.value.message and "万事如意" in refused.value.message
    assert LetterTemplate.objects.get(campaign=condolence).body == solemn.body
    save_letter_template(
        campaign=warmth, title="慰问信", body=festive, signature="", by=administrator
    )  # festive words are right for 送温暖
    assert_audit_intact()


@pytest.mark.django_db
def test_the_edit_page_of_a_condolence_campaign_starts_from_its_wording_and_refuses_festive_text(
    client, administrator, federation
):
    condolence = CampaignFactory(organisation=federation, kind="condolence")
    url = reverse("letters:template_edit", args=[condolence.pk])
    client.force_login(administrator)

    page = client.get(url).content.decode()
    assert "惊悉您身体欠安" in page and "万事如意" not in page

    response = client.post(
        url, {"title": "慰问信", "body": "尊敬的{{收信人}}：\n祝您节日快乐！", "signature": ""}
    )
    assert response.status_code == 200
    assert "不能使用节日或祝贺用语" in response.content.decode()
    assert not LetterTemplate.objects.filter(campaign=condolence).exists()
