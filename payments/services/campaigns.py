"""Campaigns: saving (admin) and starting this year's campaign as a copy of last year's."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from core.errors import RuleViolation
from core.history import attribute_change

from .. import permissions
from ..exceptions import NotPermitted
from ..models import Campaign, CampaignStandard, CampaignStatus, Payment
from ..selectors import COMMITTED
from ..signals import campaign_copied


class CampaignInvalid(RuleViolation):
    code = "campaign_invalid"


def campaign_limit_problems(campaign: Campaign) -> dict[str, str]:
    """The budget and the annual cap may not fall below what approvals already committed:
    field name → the message saying by how much. Call with the campaign row locked (or for a
    form's early warning)."""
    if not campaign.pk:
        return {}
    problems: dict[str, str] = {}
    committed = Payment.objects.filter(campaign_id=campaign.pk, status__in=COMMITTED)
    total = committed.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    if campaign.budget is not None and campaign.budget < total:
        problems["budget"] = _("本活动已批准（含已发放）%(total)s 元，预算不能低于这个数。") % {
            "total": total
        }
    if campaign.annual_cap is not None:
        # Everyone with committed money in this campaign: their year totals, all campaigns.
        in_campaign = committed.filter(person_id=OuterRef("person_id"), year=OuterRef("year"))
        highest = (
            Payment.objects.filter(status__in=COMMITTED)
            .filter(Exists(in_campaign))
            .values("person_id", "year")
            .annotate(total=Sum("amount"))
            .order_by("-total")
            .values_list("total", flat=True)
            .first()
        )
        if highest is not None and campaign.annual_cap < highest:
            problems["annual_cap"] = _(
                "本活动中已有职工年度累计获批 %(total)s 元，每人年度上限不能低于这个数。"
            ) % {"total": highest}
    return problems


@transaction.atomic
def save_campaign(campaign: Campaign, *, by, reason: str = "") -> Campaign:
    """Create or update a campaign (the admin's form has validated the fields).

    The campaign row is locked first (approvals lock it too), so a budget or cap cannot be
    lowered below money an approval commits at the same moment.
    """
    if not permissions.can_manage_campaigns(by):
        raise NotPermitted(_("只有系统管理员可以配置慰问活动。"))
    if not campaign.pk:
        campaign.created_by = by
    else:
        Campaign.objects.select_for_update().filter(pk=campaign.pk).values_list("pk").first()
        allocated = campaign.allocations.aggregate(total=Sum("amount"))["total"] or 0
        if campaign.budget < allocated:
            raise CampaignInvalid(
                _("已下拨 %(allocated)s 元，预算不能低于下拨合计。") % {"allocated": allocated}
            )
        if problems := campaign_limit_problems(campaign):
            raise CampaignInvalid(" ".join(problems.values()))
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
            assistance_item=source.assistance_item,
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


__all__ = ["CampaignInvalid", "campaign_limit_problems", "copy_campaign", "save_campaign"]
