import pytest
from django.urls import reverse

from payments.models import Campaign, CampaignStandard
from tests.audit_helpers import assert_audit_intact

pytestmark = pytest.mark.django_db


def test_administrator_creates_a_campaign_with_standards_in_the_admin(
    client, administrator, federation
):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:payments_campaign_add"),
        {
            "name": "2026年六一儿童节慰问",
            "year": 2026,
            "kind": "occasion",
            "organisation": federation.pk,
            "starts_on": "2026-05-20",
            "ends_on": "2026-06-10",
            "budget": "20000.00",
            "funding_source": "federation",
            "annual_cap": "3000.00",
            "second_approval_threshold": "1000.00",
            "status": "open",
            "standards-TOTAL_FORMS": "1",
            "standards-INITIAL_FORMS": "0",
            "standards-MIN_NUM_FORMS": "0",
            "standards-MAX_NUM_FORMS": "1000",
            "standards-0-category": "occasion",
            "standards-0-hardship_level": "",
            "standards-0-amount": "300.00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get()
    assert campaign.created_by == administrator
    assert campaign.history.get().history_user == administrator
    assert CampaignStandard.objects.get(campaign=campaign).amount == 300
    assert_audit_intact()


def test_payments_cannot_be_added_in_the_admin_even_by_a_superuser(client, federation):
    from tests.factories import make_user

    root = make_user(None, federation, is_staff=True, is_superuser=True)
    client.force_login(root)
    assert client.get(reverse("admin:payments_payment_add")).status_code == 403
    assert client.get(reverse("admin:payments_payment_changelist")).status_code == 200
