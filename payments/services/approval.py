"""Approving payments: the one place where every approval rule lives.

`approve_payment` (one payment) runs the checks of `APPROVAL_CHECKS` in order on the locked
payment: role and scope → four-eyes → state → the approver's level → the upper-level ceiling →
budget → allocation → annual cap → the hardship file (in file, reviewed for the year) → the
household's cap for the item (`household_caps`). Each
check is a small function `(Approval, ApprovalTotals) -> None` that raises a `RuleViolation`.
A new approval rule (payee snapshot, closed campaign, allocation per union, household caps…) is
one more such function added to `APPROVAL_CHECKS` — the bulk approval (`bulk_approval`) runs
the same list, so a rule added here holds on both paths. A rule that needs a sum reads it from
`ApprovalTotals` (`approval_totals`; add a method there and to both its implementations:
`approval_reads.PaymentTotals` reads one payment's figures in one statement under its locks,
`bulk_approval.BulkTotals` a set's). Both paths write through `approval_writes`.

Locks, always in this order so two approvals never deadlock: the campaign row, the payment
row(s), then the person row(s) (the annual cap spans campaigns, so two approvals for one person
in different campaigns serialise on the person), then the household's hardship file row (the
household cap spans its members).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.models import CaseCategory
from cases.selectors import scope_path
from cases.services.eligibility import policy_for

from .. import notices, permissions
from ..exceptions import (
    AllocationExceeded,
    AnnualCapExceeded,
    BudgetExceeded,
    CampaignNotOpen,
    FourEyesViolation,
    InvalidTransition,
    NotPermitted,
    OutOfScope,
    UpperLevelApprovalRequired,
)
from ..models import Campaign, CampaignStatus, Payment, PaymentStatus
from .allocations import raise_if_over_allocation
from .approval_reads import PaymentTotals, lock_for_approval
from .approval_totals import ApprovalTotals
from .approval_writes import write_approvals
from .common import copy_fields, logs_four_eyes_refusals
from .hardship_files import raise_unless_current
from .household_caps import raise_if_over_household_cap
from .payee import take_payee_snapshot
from .tallies import facts_of, tally_statements


@dataclass
class Approval:
    """One approval being decided: the locked payment and campaign, the actor, the level."""

    payment: Payment
    campaign: Campaign
    by: Any
    scope_prefix: str | None

    @property
    def second(self) -> bool:
        """The leader's second approval of a first-approved payment above the threshold."""
        p = self.payment
        return (
            p.status == PaymentStatus.APPROVED
            and p.amount > self.campaign.second_approval_threshold
        )


def require_permission(allowed: bool, message) -> None:
    if not allowed:
        raise NotPermitted(message)


def raise_if_over_cap(payment: Payment, campaign: Campaign, already: Decimal) -> None:
    """The annual-cap rule, shared with submission (which checks it early)."""
    if already + payment.amount > campaign.annual_cap:
        raise AnnualCapExceeded(
            _(
                "该职工 %(year)s 年已获 %(already)s 元，加上本笔 %(amount)s 元将超过"
                "每人年度上限 %(cap)s 元。"
            )
            % {
                "year": payment.year,
                "already": already,
                "amount": payment.amount,
                "cap": campaign.annual_cap,
            }
        )


# ---------------------------------------------------------------- the checks, in order


def check_scope(a: Approval, totals: ApprovalTotals) -> None:
    """The payment's organisation is in the approver's subtree (read with the payment)."""
    prefix = a.scope_prefix
    if prefix is None or not a.payment.organisation.path.startswith(prefix):
        raise OutOfScope(_("该慰问金不在您的管理范围内。"))


def check_four_eyes(a: Approval, totals: ApprovalTotals) -> None:
    p = a.payment
    if a.by.pk in (p.created_by_id, p.submitted_by_id):
        raise FourEyesViolation(_("起草或提交慰问金的人不能审批同一笔款项。"))
    if a.second and a.by.pk == p.approved_by_id:
        raise FourEyesViolation(_("复审须由一级审批人以外的另一人进行。"))


def check_state(a: Approval, totals: ApprovalTotals) -> None:
    p = a.payment
    if p.status != PaymentStatus.SUBMITTED and not a.second:
        raise InvalidTransition(
            _("该慰问金当前状态为“%(status)s”，不能审批。") % {"status": p.get_status_display()}
        )


def check_campaign_open(a: Approval, totals: ApprovalTotals) -> None:
    """A closed (or not yet open) campaign commits no more money."""
    if a.campaign.status != CampaignStatus.OPEN:
        raise CampaignNotOpen(
            _("活动“%(name)s”未在进行中（%(status)s），不能审批。")
            % {"name": a.campaign.name, "status": a.campaign.get_status_display()}
        )


def check_level(a: Approval, totals: ApprovalTotals) -> None:
    """First approval needs finance's permission; the second one the leader's."""
    if a.second:
        require_permission(
            permissions.can_second_approve_payments(a.by),
            _("金额超过二级审批起点，复审须由分管领导进行。"),
        )
    else:
        require_permission(permissions.can_approve_payments(a.by), _("您没有一级审批的权限。"))


def check_budget(a: Approval, totals: ApprovalTotals) -> None:
    """Money is committed at the first approval: it must fit in what is left of the budget."""
    if a.second:
        return
    p, campaign = a.payment, a.campaign
    already = totals.campaign_committed(p)
    if already + p.amount > campaign.budget:
        raise BudgetExceeded(
            _("活动预算 %(budget)s 元，已批准 %(already)s 元，余额不足以批准 %(amount)s 元。")
            % {"budget": campaign.budget, "already": already, "amount": p.amount}
        )


def check_allocation(a: Approval, totals: ApprovalTotals) -> None:
    """Once a campaign is allocated to unions (下拨), the first approval stops at the remaining
    money and places of the allocation covering the payment's union; a union without one gets
    nothing. A campaign without allocations keeps its one pooled budget."""
    if a.second:
        return
    allocation, any_allocation = totals.allocation_for(a.payment)
    if allocation is None:
        if any_allocation:
            raise AllocationExceeded(
                _("活动“%(campaign)s”未向“%(union)s”下拨经费，不能审批。")
                % {"campaign": a.campaign, "union": a.payment.organisation}
            )
        return
    raise_if_over_allocation(a.payment, allocation, *totals.allocation_committed(allocation))


def check_annual_cap(a: Approval, totals: ApprovalTotals) -> None:
    if a.second:
        return
    raise_if_over_cap(a.payment, a.campaign, totals.person_year(a.payment))


def check_hardship_file(a: Approval, totals: ApprovalTotals) -> None:
    """Hardship payments only on a file in file and reviewed for the year (年度复核)."""
    if a.second:
        return
    today = timezone.localdate()
    raise_unless_current(totals.file_state(a.payment, today), today)


def check_household_cap(a: Approval, totals: ApprovalTotals) -> None:
    """The household's yearly cap for the payment's item, across campaigns; locks the file row
    (after the campaign, payment and person) so approvals for one household queue up."""
    if a.second:
        return
    p = a.payment
    raise_if_over_household_cap(p, totals.household(p, timezone.localdate()))


def check_upper_level(a: Approval, totals: ApprovalTotals) -> None:
    """Above the federation's ceiling, the first approval of a hardship payment comes from a union
    above the payment's own (the scope check has already put the approver's union on its path)."""
    p = a.payment
    if a.second or a.by.is_superuser or a.by.organisation_id != p.organisation_id:
        return
    if totals.file_state(p, timezone.localdate()).category != CaseCategory.HARDSHIP:
        return
    ceiling = policy_for(p.organisation).upper_approval_ceiling
    if p.amount > ceiling:
        raise UpperLevelApprovalRequired(
            _("金额 %(amount)s 元高于 %(ceiling)s 元，须由上级工会审批，%(org)s 不能审批。")
            % {"amount": p.amount, "ceiling": ceiling, "org": p.organisation.name}
        )


ApprovalCheck = Callable[[Approval, ApprovalTotals], None]

APPROVAL_CHECKS: list[ApprovalCheck] = [
    check_scope,
    check_four_eyes,
    check_state,
    check_campaign_open,
    check_level,
    check_upper_level,
    check_budget,
    check_allocation,
    check_annual_cap,
    check_hardship_file,
    check_household_cap,
]


def run_approval_checks(a: Approval, totals: ApprovalTotals) -> None:
    for check in APPROVAL_CHECKS:
        check(a, totals)


def grant_approval(a: Approval, now: datetime.datetime | None = None) -> list[str]:
    """Set the approved state on the locked payment; returns the fields changed."""
    p, now = a.payment, now or timezone.now()
    if a.second:
        p.status = PaymentStatus.SECOND_APPROVED
        p.second_approved_by = a.by
        p.second_approved_at = now
        return ["status", "second_approved_by", "second_approved_at"]
    p.status = PaymentStatus.APPROVED
    p.approved_by = a.by
    p.approved_at = now
    # The payee as approved (the person row is locked): what the bank file will pay.
    return ["status", "approved_by", "approved_at", *take_payee_snapshot(p, p.person)]


def approval_reason(a: Approval) -> str:
    """Stored in the source language (translated when shown), so the trail reads the same."""
    return gettext_noop("二级审批通过") if a.second else gettext_noop("一级审批通过")


def require_some_approval_permission(by) -> None:
    require_permission(
        permissions.can_approve_payments(by) or permissions.can_second_approve_payments(by),
        _("您没有审批慰问金的权限。"),
    )


@logs_four_eyes_refusals
def approve_payment(payment: Payment, *, by) -> Payment:
    """First approval (submitted → approved), or the leader's second one (→ second_approved).

    Two reads (the locks, then the figures: `approval_reads`) and the writes of `approval_writes`
    with the tallies' upsert, as prebuilt statements kept prepared on PostgreSQL: there 7 in all
    with BEGIN and COMMIT (the audit entry's read-back and INSERT included; 9 on SQLite), plus the
    household cap's when the payment's item has a household standard."""
    require_some_approval_permission(by)
    with transaction.atomic():
        campaign, p = lock_for_approval(payment.pk)
        now = timezone.now()
        a = Approval(payment=p, campaign=campaign, by=by, scope_prefix=scope_path(by))
        totals = PaymentTotals(p, timezone.localdate(now))
        run_approval_checks(a, totals)
        reason = approval_reason(a)
        needs_second = not a.second and p.amount > campaign.second_approval_threshold
        before = facts_of(p)
        fields = grant_approval(a, now)
        moves = tally_statements([(before, facts_of(p))], cases=totals.case_tally_facts)
        write_approvals([(p, fields, reason)], by=by, now=now, with_statements=moves)
        if needs_second:
            transaction.on_commit(lambda: notices.second_approval_needed(p, by=by))
    copy_fields(payment, p, fields)
    return payment


__all__ = [
    "APPROVAL_CHECKS",
    "Approval",
    "ApprovalTotals",
    "approve_payment",
    "require_some_approval_permission",
]
