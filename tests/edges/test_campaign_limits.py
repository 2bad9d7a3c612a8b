"""Budget and caps never below what is committed; closed campaigns refuse drafts and approvals
(issue 12 item 8)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from payments import services
from payments.exceptions import CampaignNotOpen
from payments.models import Campaign, CampaignStatus, Payment
from payments.services import CampaignInvalid


def _edit(campaign, **values) -> Campaign:
    fresh = Campaign.objects.get(pk=campaign.pk)
    for name, value in values.items():
        setattr(fresh, name, value)
    return fresh


def test_the_budget_cannot_go_below_the_approved_money(walk, campaign, administrator):
    walk("approved", amount=Decimal("900.00"))
    walk("submitted")  # not committed: does not count
    with pytest.raises(CampaignInvalid, match="900"):
        services.save_campaign(_edit(campaign, budget=Decimal("800.00")), by=administrator)
    assert Campaign.objects.get(pk=campaign.pk).budget == Decimal("10000.00")
    services.save_campaign(_edit(campaign, budget=Decimal("900.00")), by=administrator)
    assert Campaign.objects.get(pk=campaign.pk).budget == Decimal("900.00")


def test_the_annual_cap_cannot_go_below_a_persons_committed_year(walk, campaign, administrator):
    walk("paid", amount=Decimal("950.00"))
    with pytest.raises(CampaignInvalid, match="950"):
        services.save_campaign(_edit(campaign, annual_cap=Decimal("900.00")), by=administrator)
    assert Campaign.objects.get(pk=campaign.pk).annual_cap == Decimal("3000.00")


def test_the_admin_form_names_the_field_and_changes_nothing(
    client, walk, campaign, django_user_model
):
    walk("approved", amount=Decimal("900.00"))
    root = django_user_model.objects.create_superuser("root_c", password="x")
    client.force_login(root)
    url = reverse("admin:payments_campaign_change", args=[campaign.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: ("" if value is None else getattr(value, "pk", value))
        for name, value in form.initial.items()
        if name in form.fields
    }
    data.update(
        {
            "budget": "100.00",
            "standards-TOTAL_FORMS": "0",
            "standards-INITIAL_FORMS": "0",
            "standards-MIN_NUM_FORMS": "0",
            "standards-MAX_NUM_FORMS": "1000",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "预算不能低于" in str(response.context["adminform"].form.errors["budget"])
    assert Campaign.objects.get(pk=campaign.pk).budget == Decimal("10000.00")


def test_a_closed_campaign_refuses_approvals_and_drafts(walk, campaign, administrator, finance2):
    submitted = walk("submitted")
    services.save_campaign(_edit(campaign, status=CampaignStatus.CLOSED), by=administrator)
    with pytest.raises(CampaignNotOpen):
        services.approve_payment(submitted, by=finance2)
    assert Payment.objects.get(pk=submitted.pk).status == "submitted"
    with pytest.raises(CampaignNotOpen):
        walk("draft", campaign=Campaign.objects.get(pk=campaign.pk))


def test_a_closed_campaign_refuses_the_leaders_second_approval(
    walk, campaign, administrator, leader
):
    waiting = walk("approved", amount=Decimal("1500.00"))
    services.save_campaign(_edit(campaign, status=CampaignStatus.CLOSED), by=administrator)
    with pytest.raises(CampaignNotOpen):
        services.approve_payment(waiting, by=leader)
