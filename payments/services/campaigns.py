"""Campaigns: saving (admin) and starting this year's campaign as a copy of last year's."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from core.errors import RuleViolation
from core.history import attribute_change

from .. import permissions
from ..exceptions import NotPermitted
from ..models import Campaign, CampaignStandard, CampaignStatus
from ..signals import campaign_copied


class CampaignInvalid(RuleViolation):
    code = "campaign_invalid"


@transaction.atomic
def save_campaign(campaign: Campaign, *, by, reason: str = "") -> Campaign:
    """Create or update a campaign (the admin's form has validated the fields)."""
    if not permissions.can_manage_campaigns(by):
        raise NotPermitted(_("只有系统管理员可以配置慰问活动。"))
    if not campaign.pk:
        campaign.created_by = by
    else:
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        allocated = campaign.allocations.aggregate(total=Sum("amount"))["total"] or 0
        if campaign.budget < allocated:
            raise CampaignInvalid(
                _("已下拨 %(allocated)s 元，预算不能低于下拨合计。") % {"allocated": allocated}
            )
    attribute_change(campaign, by=by, reason=reason)
    campaign.save()
    return campaign


def copy_campaign(
    source: Campaign,
    *,
    by,
    name: str,
    year: int,
    starts_on: datetime.date,
    ends_on: datetime.date,
    budget: Decimal,
) -> Campaign:
    """A new campaign with last year's standards, cap and threshold; budget and dates new.

    `payments.signals.campaign_copied` is sent once the copy is committed, so the letters app
    can carry the letter template over.
    """
    if not permissions.can_manage_campaigns(by):
        raise NotPermitted(_("只有系统管理员可以复制慰问活动。"))
    name = (name or "").strip()
    if not name:
        raise CampaignInvalid(_("请填写活动名称。"))
    if ends_on < starts_on:
        raise CampaignInvalid(_("结束日期不能早于开始日期。"))
    budget = Decimal(budget).quantize(Decimal("0.01"))
    if budget < 0:
        raise CampaignInvalid(_("预算不能为负数。"))
    with transaction.atomic():
        campaign = Campaign(
            name=name,
            year=year,
            kind=source.kind,
            organisation_id=source.organisation_id,
            starts_on=starts_on,
            ends_on=ends_on,
            budget=budget,
            funding_source=source.funding_source,
            annual_cap=source.annual_cap,
            second_approval_threshold=source.second_approval_threshold,
            status=CampaignStatus.PLANNING,
            copied_from=source,
            created_by=by,
        )
        reason = gettext_noop("复制自“%(name)s”") % {"name": source.name}
        attribute_change(campaign, by=by, reason=reason)
        campaign.save()
        standards = [
            CampaignStandard(
                campaign=campaign,
                category=s.category,
                hardship_level=s.hardship_level,
                amount=s.amount,
            )
            for s in source.standards.all()
        ]
        bulk_create_with_history(
            standards, CampaignStandard, default_user=by, default_change_reason=reason
        )
        transaction.on_commit(
            lambda: campaign_copied.send(sender=Campaign, source=source, campaign=campaign, by=by)
        )
    return campaign


__all__ = ["CampaignInvalid", "copy_campaign", "save_campaign"]
