"""Allocations (下拨): a campaign's budget and places given to unions, and the rule every first
approval applies against the allocation of the payment's union (`approval.check_allocation`).

Lock order is the one of every payment step: the campaign row first, then the allocation rows.
Approvals of one campaign therefore serialise on the campaign row, and an allocation cannot be
lowered while an approval is being counted against it.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.models import Organisation
from core.history import attribute_change

from .. import permissions
from ..exceptions import AllocationExceeded, AllocationInvalid, NotPermitted
from ..models import Allocation, Campaign, Payment
from ..selectors_allocations import allocation_committed
from .common import lock_campaign, require_scope

CENT = Decimal("0.01")
# Far above any union's head count, far below the database's integer (the form's limit too).
MAX_PLACES = 1_000_000


def parse_allocation_amount(value) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip()).quantize(CENT)
    except (InvalidOperation, ValueError):
        raise AllocationInvalid(_("下拨金额格式不正确。")) from None
    if not amount.is_finite():  # "NaN" passes the quantize, and then refuses to compare
        raise AllocationInvalid(_("下拨金额格式不正确。"))
    if amount < 0:
        raise AllocationInvalid(_("下拨金额不能为负数。"))
    return amount


def parse_places(value) -> int:
    try:
        places = int(str(value).strip().removesuffix(".0"))
    except (TypeError, ValueError):
        raise AllocationInvalid(_("名额必须是整数。")) from None
    if places < 0:
        raise AllocationInvalid(_("名额不能为负数。"))
    if places > MAX_PLACES:
        raise AllocationInvalid(_("名额不能超过 %(max)s。") % {"max": MAX_PLACES})
    return places


def check_allocation_plan(
    campaign: Campaign,
    organisation: Organisation,
    amount: Decimal,
    places: int,
    others: list[Allocation],
) -> None:
    """The rules of one union's allocation against the campaign's other allocations."""
    campaign_path = campaign.organisation.path
    if not organisation.path.startswith(campaign_path):
        raise AllocationInvalid(
            _("“%(union)s”不在活动“%(campaign)s”的范围内。")
            % {"union": organisation, "campaign": campaign}
        )
    for other in others:
        other_path = other.organisation.path
        if other_path.startswith(organisation.path) or organisation.path.startswith(other_path):
            raise AllocationInvalid(
                _("“%(union)s”与已下拨的“%(other)s”有上下级关系，同一活动只能下拨给其中一个。")
                % {"union": organisation, "other": other.organisation}
            )
    total = sum((o.amount for o in others), Decimal("0.00")) + amount
    if total > campaign.budget:
        raise AllocationExceeded(
            _("下拨合计 %(total)s 元将超过活动预算 %(budget)s 元。")
            % {"total": total, "budget": campaign.budget}
        )


def raise_if_below_committed(allocation: Allocation, amount: Decimal, places: int) -> None:
    """An allocation never drops below the money and places already approved under it."""
    committed, used = allocation_committed(allocation)
    if amount < committed or places < used:
        raise AllocationInvalid(
            _("“%(union)s”已审批 %(committed)s 元、%(used)s 人，下拨不能低于已审批的金额和人数。")
            % {"union": allocation.organisation, "committed": committed, "used": used}
        )


def allocate_campaign(
    campaign: Campaign,
    organisation: Organisation,
    *,
    by,
    amount,
    places,
    reason: str = "",
) -> Allocation:
    """Give (or change) a union's allocation of a campaign.

    Refused when the allocations would exceed the budget, when the union is outside the campaign
    or overlaps another allocated union, and when the new figures are below what the union has
    already had approved.
    """
    if not permissions.can_manage_campaigns(by):
        raise NotPermitted(_("只有系统管理员可以下拨慰问活动经费。"))
    amount = parse_allocation_amount(amount)
    places = parse_places(places)
    with transaction.atomic():
        campaign = lock_campaign(campaign.pk)
        require_scope(by, campaign.organisation_id, _("该活动不在您的管理范围内。"))
        allocations = list(
            Allocation.objects.select_for_update(of=("self",))
            .filter(campaign=campaign)
            .select_related("organisation")
        )
        existing = next((a for a in allocations if a.organisation_id == organisation.pk), None)
        others = [a for a in allocations if a is not existing]
        check_allocation_plan(campaign, organisation, amount, places, others)
        if existing is not None:
            raise_if_below_committed(existing, amount, places)
            allocation = existing
            allocation.amount = amount
            allocation.places = places
        else:
            allocation = Allocation(
                campaign=campaign,
                organisation=organisation,
                amount=amount,
                places=places,
                created_by=by,
            )
        attribute_change(
            allocation, by=by, reason=(reason or "").strip() or gettext_noop("下拨经费和名额")
        )
        allocation.save()
    return allocation


def remove_allocation(allocation: Allocation, *, by, reason: str = "") -> None:
    """Withdraw an allocation that nothing has been approved against yet."""
    if not permissions.can_manage_campaigns(by):
        raise NotPermitted(_("只有系统管理员可以撤回下拨。"))
    with transaction.atomic():
        campaign = lock_campaign(allocation.campaign_id)
        require_scope(by, campaign.organisation_id, _("该活动不在您的管理范围内。"))
        locked = (
            Allocation.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=allocation.pk)
        )
        committed, used = allocation_committed(locked)
        if used:
            raise AllocationInvalid(
                _("“%(union)s”已有 %(used)s 笔审批通过的慰问金，不能撤回下拨。")
                % {"union": locked.organisation, "used": used}
            )
        attribute_change(locked, by=by, reason=(reason or "").strip() or gettext_noop("撤回下拨"))
        locked.delete()


def raise_if_over_allocation(
    payment: Payment, allocation: Allocation, committed: Decimal, used: int
) -> None:
    """The union's allocation must still hold the payment's amount and one more place."""
    if committed + payment.amount > allocation.amount:
        raise AllocationExceeded(
            _(
                "“%(union)s”的下拨为 %(amount)s 元，已审批 %(committed)s 元，"
                "余额不足以批准 %(payment)s 元。"
            )
            % {
                "union": allocation.organisation,
                "amount": allocation.amount,
                "committed": committed,
                "payment": payment.amount,
            }
        )
    if used + 1 > allocation.places:
        raise AllocationExceeded(
            _("“%(union)s”的名额为 %(places)s 人，已全部用完。")
            % {"union": allocation.organisation, "places": allocation.places}
        )


__all__ = [
    "allocate_campaign",
    "parse_allocation_amount",
    "parse_places",
    "check_allocation_plan",
    "raise_if_below_committed",
    "raise_if_over_allocation",
    "remove_allocation",
]
