import datetime
from decimal import Decimal

import pytest

from payments import services
from payments.exceptions import NotPermitted
from payments.models import Campaign, CampaignStatus
from payments.services import CampaignInvalid
from payments.signals import campaign_copied

pytestmark = pytest.mark.django_db


def _copy(source, by, **overrides):
    values = dict(
        name="2027年春节送温暖",
        year=2027,
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 2, 28),
        budget=Decimal("50000"),
    )
    values.update(overrides)
    return services.copy_campaign(source, by=by, **values)


def test_copy_carries_standards_cap_and_threshold_and_sends_the_signal(
    campaign, administrator, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    campaign_copied.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            copy = _copy(campaign, administrator)
    finally:
        campaign_copied.disconnect(receiver)
    assert copy.copied_from == campaign and copy.status == CampaignStatus.PLANNING
    assert (copy.annual_cap, copy.second_approval_threshold) == (
        campaign.annual_cap,
        campaign.second_approval_threshold,
    )
    assert copy.budget == Decimal("50000.00") and copy.year == 2027
    assert sorted(copy.standards.values_list("category", "hardship_level", "amount")) == sorted(
        campaign.standards.values_list("category", "hardship_level", "amount")
    )
    assert received == [
        {"signal": campaign_copied, "source": campaign, "campaign": copy, "by": administrator}
    ]
    assert copy.history.get().history_user == administrator


def test_only_administrators_copy_campaigns(campaign, finance):
    with pytest.raises(NotPermitted):
        _copy(campaign, finance)
    assert Campaign.objects.count() == 1


def test_copy_refuses_a_period_that_ends_before_it_starts(campaign, administrator):
    with pytest.raises(CampaignInvalid):
        _copy(campaign, administrator, ends_on=datetime.date(2026, 12, 1))
    assert Campaign.objects.count() == 1
