"""Resubmitting a rejected payment: the same record goes back to the approvers.

Why the same record and not a copy: the officer answers the rejection, and the auditor should
read one story — drafted, submitted, rejected with a reason, corrected, resubmitted — on one
reference (P2026-000018) rather than find two payments for one person in one campaign. The
history keeps the rejection (who, when, why) and the corrections; the live row clears the
rejection and the earlier approval so the four-eyes checks start again from the new submission.
"""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CaseStatus

from .. import notices, permissions
from ..exceptions import CampaignNotOpen, InvalidTransition
from ..models import Payment, PaymentStatus
from .approval import require_permission
from .common import copy_fields, lock_campaign, lock_payment, require_payment_scope, save_changed
from .payments import (
    _check_cap,
    _check_justification,
    _money,
    _require_reason,
    check_no_live_payment,
)

CLEARED_ON_RESUBMIT = (
    "rejected_by",
    "rejected_at",
    "rejection_reason",
    "approved_by",
    "approved_at",
    "second_approved_by",
    "second_approved_at",
)


def resubmit_payment(
    payment: Payment,
    *,
    by,
    reason: str,
    amount: Decimal | str | None = None,
    justification: str | None = None,
) -> Payment:
    """Rejected → submitted, optionally with a corrected amount and justification.

    The reason (what was corrected in answer to the rejection) is required and becomes the
    history's reason. Every rule of a first submission applies again: campaign open, case not
    closed, one live payment per person and campaign, the justification and the annual cap.
    """
    require_permission(permissions.can_draft_payments(by), _("您没有提交慰问金的权限。"))
    reason = _require_reason(reason, _("重新提交必须说明针对驳回意见做了哪些修改。"))
    with transaction.atomic():
        campaign = lock_campaign(payment.campaign_id)
        p = lock_payment(payment.pk)
        require_payment_scope(by, p, _("该慰问金不在您的管理范围内。"))
        if p.status != PaymentStatus.REJECTED:
            raise InvalidTransition(
                _("只有被驳回的慰问金可以重新提交，当前状态为“%(status)s”。")
                % {"status": p.get_status_display()}
            )
        if campaign.status != "open":
            raise CampaignNotOpen(
                _("活动“%(name)s”未在进行中，不能重新提交。") % {"name": campaign}
            )
        if p.case.status == CaseStatus.CLOSED:
            raise InvalidTransition(_("个案已结案，不能重新提交慰问金。"))
        fields = ["status", "submitted_by", "submitted_at", *CLEARED_ON_RESUBMIT]
        if amount not in (None, ""):
            p.amount = _money(amount)
            fields.append("amount")
        if justification is not None:
            p.justification = justification.strip()
            fields.append("justification")
        _check_justification(p.amount, p.standard_amount, p.justification)
        check_no_live_payment(p.person_id, p.campaign_id, exclude_pk=p.pk)
        _check_cap(p, campaign)
        p.status = PaymentStatus.SUBMITTED
        p.submitted_by = by
        p.submitted_at = timezone.now()
        for name in CLEARED_ON_RESUBMIT:
            setattr(p, name, "" if name == "rejection_reason" else None)
        try:
            with transaction.atomic():
                save_changed(p, fields, by=by, reason=reason)
        except IntegrityError:
            # The partial unique constraint decides when another payment went live meanwhile.
            check_no_live_payment(p.person_id, p.campaign_id, exclude_pk=p.pk)
            raise
        transaction.on_commit(lambda: notices.payment_submitted(p, by=by))
    copy_fields(payment, p, fields)
    return payment


__all__ = ["resubmit_payment"]
