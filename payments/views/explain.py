"""Saying why a user cannot take a step, instead of silently hiding the button.

The services refuse all the same; these sentences only tell the person on the page what the rule
is and who can act, so a payment never sits stuck without anyone knowing why (for example a
leader who gave the first approval and is the only leader).
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from accounts.roles import Role

from .. import permissions
from ..models import Payment, PaymentStatus


def approval_block(user, payment: Payment, *, second: bool) -> str | None:
    """Why this user may not approve this payment at this step, or None."""
    if user.pk in (payment.created_by_id, payment.submitted_by_id):
        return _("您起草或提交了这笔慰问金，须由另一位审批人审批（双人审批）。")
    if second and user.pk == payment.approved_by_id:
        return _("您已做一级审批，复审须由另一位分管领导进行。")
    return None


def first_approval_warning(user, payment: Payment) -> str | None:
    """A leader approving a large payment first cannot also give its second approval."""
    if permissions.can_second_approve_payments(user) and (
        payment.amount > payment.campaign.second_approval_threshold
    ):
        return _("超过复审起点：您若在此做一级审批，复审须由另一位分管领导进行。")
    return None


def other_second_approver_exists(payment: Payment) -> bool:
    """Is there an active leader, other than those four-eyes excludes, whose scope covers it?"""
    excluded = {payment.created_by_id, payment.submitted_by_id, payment.approved_by_id}
    paths = (
        get_user_model()
        .objects.filter(groups__name=Role.LEADER, is_active=True)
        .exclude(pk__in=[pk for pk in excluded if pk])
        .values_list("organisation__path", flat=True)
    )
    target = payment.organisation.path
    return any(path is not None and target.startswith(path) for path in paths)


def why_not(user, payment: Payment, actions: set[str]) -> list[str]:
    """Sentences for the payment's page: what blocks this user, and who acts next."""
    notes: list[str] = []
    over = payment.amount > payment.campaign.second_approval_threshold
    status = payment.status
    if status == PaymentStatus.SUBMITTED:
        if permissions.can_approve_payments(user) and "approve" not in actions:
            notes.append(approval_block(user, payment, second=False) or "")
        elif not permissions.can_approve_payments(user):
            notes.append(_("已提交，等待财务人员一级审批。"))
    elif status == PaymentStatus.APPROVED and over:
        if permissions.can_second_approve_payments(user) and "approve" not in actions:
            notes.append(approval_block(user, payment, second=True) or "")
        elif not permissions.can_second_approve_payments(user):
            notes.append(
                _("金额超过本活动的复审起点 %(threshold)s，等待分管领导复审。")
                % {"threshold": f"¥{payment.campaign.second_approval_threshold:,.2f}"}
            )
        if not other_second_approver_exists(payment):
            notes.append(
                _(
                    "目前没有其他可以复审这笔慰问金的分管领导（复审人不能是起草、提交或一级审批的人），请联系系统管理员增设。"
                )
            )
    return [n for n in notes if n]
