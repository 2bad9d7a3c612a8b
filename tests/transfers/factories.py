"""Campaigns and payments for the transfer tests (the payments helper's factories may replace
these once they land)."""

import datetime
import itertools
from decimal import Decimal

from payments.models import Campaign, CampaignStandard, Payment

_refs = itertools.count(1)


def make_campaign(organisation, by, **overrides) -> Campaign:
    values = {
        "name": "2020年援鄂医疗队慰问",
        "year": 2020,
        "kind": "hubei_team",
        "organisation": organisation,
        "starts_on": datetime.date(2020, 1, 1),
        "ends_on": datetime.date(2020, 12, 31),
        "budget": Decimal("1000000.00"),
        "funding_source": "federation",
        "annual_cap": Decimal("5000.00"),
        "second_approval_threshold": Decimal("2000.00"),
        "status": "open",
        "created_by": by,
    }
    values.update(overrides)
    campaign = Campaign.objects.create(**values)
    for category, amount in (
        ("hubei_team", "1000.00"),
        ("frontline", "800.00"),
        ("occasion", "500.00"),
    ):
        CampaignStandard.objects.create(
            campaign=campaign, category=category, hardship_level="", amount=Decimal(amount)
        )
    CampaignStandard.objects.create(
        campaign=campaign, category="hardship", hardship_level="deep", amount=Decimal("2000.00")
    )
    return campaign


def make_payment(case, campaign, by, **overrides) -> Payment:
    values = {
        "reference": f"P{next(_refs):08d}",
        "case": case,
        "person": case.person,
        "organisation": case.organisation,
        "campaign": campaign,
        "amount": Decimal("1000.00"),
        "standard_amount": Decimal("1000.00"),
        "method": "bank",
        "purpose": "慰问金",
        "year": campaign.year,
        "created_by": by,
    }
    values.update(overrides)
    return Payment.objects.create(**values)
