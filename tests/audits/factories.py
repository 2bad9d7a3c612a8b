"""Campaigns and payments for the audit tests, written through the ORM (the payment services
live on another branch); history is recorded by simple-history as for any save."""

import datetime
import itertools
from decimal import Decimal

from payments.models import Campaign, CampaignStandard, Payment

_refs = itertools.count(1)


def make_campaign(organisation, by, **kwargs) -> Campaign:
    values = {
        "name": f"送温暖{next(_refs)}",
        "year": 2026,
        "kind": "warmth",
        "organisation": organisation,
        "starts_on": datetime.date(2026, 1, 1),
        "ends_on": datetime.date(2026, 12, 31),
        "budget": Decimal("100000.00"),
        "funding_source": "federation",
        "annual_cap": Decimal("5000.00"),
        "second_approval_threshold": Decimal("2000.00"),
        "status": "open",
        "created_by": by,
    }
    values.update(kwargs)
    campaign = Campaign(**values)
    campaign._history_user = by
    campaign.save()
    return campaign


def make_standard(campaign, category="hardship", level="relative", amount="1000.00"):
    return CampaignStandard.objects.create(
        campaign=campaign, category=category, hardship_level=level, amount=Decimal(amount)
    )


def make_payment(case, campaign, by, **kwargs) -> Payment:
    values = {
        "reference": f"P{next(_refs):06d}",
        "case": case,
        "person": case.person,
        "organisation": case.organisation,
        "campaign": campaign,
        "amount": Decimal("1000.00"),
        "method": "bank",
        "purpose": "春节慰问",
        "year": 2026,
        "status": "draft",
        "created_by": by,
    }
    values.update(kwargs)
    payment = Payment(**values)
    payment._history_user = by
    payment.save()
    return payment


def change(obj, by, reason="", **fields):
    """Save a change the way services do: history user and reason, only the changed fields."""
    for name, value in fields.items():
        setattr(obj, name, value)
    obj._history_user = by
    obj._change_reason = reason
    obj.save(update_fields=list(fields))
    return obj
