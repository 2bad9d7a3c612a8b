"""Every new payment carries an assistance item (救助项目): chosen, or the campaign's."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from payments import services
from payments.exceptions import InvalidAmount
from payments.models import AssistanceItem, Payment

from .factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_a_draft_takes_the_item_of_the_campaign_kind(campaign, case, officer):
    payment = services.draft_payment(case, campaign, by=officer)

    assert payment.assistance_item == AssistanceItem.WARMTH


def test_a_draft_takes_the_item_the_campaign_names(federation, administrator, case, officer):
    campaign = CampaignFactory(
        organisation=federation, created_by=administrator, assistance_item="medical"
    )

    payment = services.draft_payment(case, campaign, by=officer)

    assert payment.assistance_item == AssistanceItem.MEDICAL


def test_the_officer_may_choose_another_item(campaign, case, officer):
    payment = services.draft_payment(case, campaign, by=officer, assistance_item="education")

    assert payment.assistance_item == AssistanceItem.EDUCATION
    assert payment.history.latest().assistance_item == "education"


def test_an_unknown_item_is_refused_and_nothing_is_drafted(campaign, case, officer):
    with pytest.raises(InvalidAmount, match="救助项目“lottery”不存在"):
        services.draft_payment(case, campaign, by=officer, assistance_item="lottery")

    assert not Payment.objects.exists()


def test_the_draft_page_saves_the_chosen_item(client, campaign, case, officer):
    client.force_login(officer)

    response = client.post(
        reverse("payments:payment_create") + f"?case={case.pk}",
        {
            "campaign": campaign.pk,
            "method": "bank",
            "assistance_item": "living",
            "submit_now": "",
        },
    )

    payment = Payment.objects.get()
    assert response.status_code == 302
    assert payment.assistance_item == AssistanceItem.LIVING
    page = client.get(payment.get_absolute_url()).content.decode()
    assert "生活救助" in page


def test_a_copied_campaign_keeps_its_item(federation, administrator):
    source = CampaignFactory(
        organisation=federation, created_by=administrator, assistance_item="living"
    )
    copy = services.copy_campaign(
        source,
        by=administrator,
        name="下一年",
        year=2027,
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
        budget=Decimal("1000"),
    )

    assert copy.assistance_item == "living"
