"""Payment transitions: draft, submit, reject, cancel, paid, failed, reversed (approval, first and
second, is in `approval.py`). Each locks the campaign row, then the payment row, checks role and
scope → four-eyes → state → budget and cap, and saves only the changed fields with the history's
user and reason.

Rules chosen where the brief leaves room (also in docs/payments.md):
- `year` (the calendar year counting toward the annual cap) is the campaign's year;
- the annual cap is per person across every campaign of that year: the person's committed
  payments (approved, second-approved, in batch, failed-awaiting-rebatch, paid) plus this one
  must not exceed the cap of the campaign approving it;
- budget and cap are enforced at the first approval (the step that commits money); submit
  checks the cap early so an officer learns at once;
- whoever drafted or submitted a payment never approves it; the second approver is neither;
- a reversal is made by someone who neither approved the payment nor recorded it as paid.

The history reasons of system steps ("一级审批通过") are stored in the source language, so the
audit trail reads the same whoever acted, and are translated when shown.
"""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.models import Case, CaseStatus
from cases.selectors import cases_visible_to
from core.history import attribute_change

from .. import notices, permissions
from ..exceptions import (
    AnnualCapExceeded,
    CampaignNotOpen,
    DuplicateLivePayment,
    FourEyesViolation,
    InvalidAmount,
    InvalidTransition,
    JustificationRequired,
    OutOfScope,
    ReasonRequired,
)
from ..models import (
    LIVE_STATUSES,
    AssistanceItem,
    BatchLine,
    BatchLineResult,
    BatchStatus,
    Campaign,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from ..selectors import (
    campaign_covers,
    person_year_total,
    standard_amount_for,
)
from .approval import raise_if_over_cap, require_permission
from .common import (
    copy_fields,
    lock_campaign,
    lock_payment,
    logs_four_eyes_refusals,
    next_number,
    require_payment_scope,
    save_changed,
)
from .tallies import facts_of, record_moves

CENT = Decimal("0.01")


def _money(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError):
        raise InvalidAmount(_("金额格式不正确。")) from None
    if amount <= 0:
        raise InvalidAmount(_("金额必须大于零。"))
    return amount


def _check_justification(amount: Decimal, standard: Decimal | None, justification: str) -> None:
    if standard is None and not justification.strip():
        raise JustificationRequired(_("本活动没有该类别的标准金额，请写明金额的依据。"))
    if standard is not None and amount != standard and not justification.strip():
        raise JustificationRequired(
            _("金额 %(amount)s 元与标准 %(standard)s 元不符，请写明理由。")
            % {"amount": amount, "standard": standard}
        )


def check_no_live_payment(person_id: int, campaign_id: int, *, exclude_pk=None) -> None:
    qs = Payment.objects.filter(person_id=person_id, campaign_id=campaign_id)
    qs = qs.filter(status__in=LIVE_STATUSES)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise DuplicateLivePayment(_("该职工在本活动中已有一笔有效的慰问金，不能重复发放。"))


def _check_cap(payment: Payment, campaign: Campaign) -> None:
    already = person_year_total(payment.person_id, payment.year, exclude_pk=payment.pk)
    raise_if_over_cap(payment, campaign, already)


def _require_reason(reason: str, message) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(message)
    return reason


def draft_payment(
    case: Case,
    campaign: Campaign,
    *,
    by,
    amount=None,
    method: str = PaymentMethod.BANK,
    purpose: str = "",
    justification: str = "",
    assistance_item: str = "",
) -> Payment:
    """A new draft for a case; the amount defaults to the campaign's standard, the assistance
    item (救助项目) to the campaign's."""
    require_permission(permissions.can_draft_payments(by), _("您没有起草慰问金的权限。"))
    if not cases_visible_to(by).filter(pk=case.pk).exists():
        raise OutOfScope(_("该个案不在您的管理范围内。"))
    if campaign.status != "open":
        raise CampaignNotOpen(_("活动“%(name)s”未在进行中，不能起草慰问金。") % {"name": campaign})
    if not campaign_covers(campaign, case):
        raise OutOfScope(_("该个案所在单位不在活动“%(name)s”的范围内。") % {"name": campaign})
    if case.status == CaseStatus.CLOSED:
        raise InvalidTransition(_("个案已结案，不能起草慰问金。"))
    if method not in PaymentMethod.values:
        raise InvalidAmount(_("发放方式不正确。"))
    item = assistance_item or campaign.default_assistance_item
    if item not in AssistanceItem.values:
        raise InvalidAmount(_("救助项目“%(item)s”不存在。") % {"item": item})
    standard = standard_amount_for(campaign, case)
    if amount is None or amount == "":
        if standard is None:
            raise InvalidAmount(_("本活动没有该类别的标准金额，请填写金额。"))
        amount = standard
    amount = _money(amount)
    justification = (justification or "").strip()
    _check_justification(amount, standard, justification)
    if amount > campaign.annual_cap:
        raise AnnualCapExceeded(
            _("金额 %(amount)s 元超过每人年度上限 %(cap)s 元。")
            % {"amount": amount, "cap": campaign.annual_cap}
        )
    check_no_live_payment(case.person_id, campaign.pk)
    year = campaign.year
    try:
        with transaction.atomic():
            number = next_number(f"P{year}")
            payment = Payment(
                reference=f"P{year}-{number:06d}",
                case=case,
                person_id=case.person_id,
                organisation_id=case.organisation_id,
                campaign=campaign,
                amount=amount,
                standard_amount=standard,
                justification=justification,
                method=method,
                assistance_item=item,
                purpose=(purpose or "").strip() or campaign.name[:100],
                year=year,
                status=PaymentStatus.DRAFT,
                created_by=by,
            )
            attribute_change(payment, by=by, reason=gettext_noop("起草"))
            payment.save()
    except IntegrityError:
        # The partial unique constraint is the last line when two drafts race.
        check_no_live_payment(case.person_id, campaign.pk)
        raise
    return payment


def submit_payment(payment: Payment, *, by) -> Payment:
    require_permission(permissions.can_draft_payments(by), _("您没有提交慰问金的权限。"))
    with transaction.atomic():
        campaign = lock_campaign(payment.campaign_id)
        p = lock_payment(payment.pk)
        require_payment_scope(by, p, _("该慰问金不在您的管理范围内。"))
        if p.status != PaymentStatus.DRAFT:
            raise InvalidTransition(
                _("只有草稿可以提交，当前状态为“%(status)s”。") % {"status": p.get_status_display()}
            )
        if campaign.status != "open":
            raise CampaignNotOpen(_("活动“%(name)s”未在进行中，不能提交。") % {"name": campaign})
        _check_justification(p.amount, p.standard_amount, p.justification)
        _check_cap(p, campaign)
        p.status = PaymentStatus.SUBMITTED
        p.submitted_by = by
        p.submitted_at = timezone.now()
        fields = ["status", "submitted_by", "submitted_at"]
        save_changed(p, fields, by=by, reason=gettext_noop("提交审批"))
        transaction.on_commit(lambda: notices.payment_submitted(p, by=by))
    copy_fields(payment, p, fields)
    return payment


def reject_payment(payment: Payment, *, by, reason: str) -> Payment:
    """Submitted → rejected by an approver, or a first-approved large payment by the leader."""
    require_permission(
        permissions.can_approve_payments(by) or permissions.can_second_approve_payments(by),
        _("您没有驳回慰问金的权限。"),
    )
    reason = _require_reason(reason, _("驳回必须写明理由。"))
    with transaction.atomic():
        campaign = lock_campaign(payment.campaign_id)
        p = lock_payment(payment.pk)
        require_payment_scope(by, p, _("该慰问金不在您的管理范围内。"))
        awaiting_second = (
            p.status == PaymentStatus.APPROVED and p.amount > campaign.second_approval_threshold
        )
        if p.status == PaymentStatus.SUBMITTED:
            require_permission(permissions.can_approve_payments(by), _("您没有驳回慰问金的权限。"))
        elif awaiting_second:
            require_permission(
                permissions.can_second_approve_payments(by), _("待复审的款项只能由分管领导驳回。")
            )
        else:
            raise InvalidTransition(
                _("该慰问金当前状态为“%(status)s”，不能驳回。") % {"status": p.get_status_display()}
            )
        before = facts_of(p)
        p.status = PaymentStatus.REJECTED
        p.rejected_by = by
        p.rejected_at = timezone.now()
        p.rejection_reason = reason
        fields = ["status", "rejected_by", "rejected_at", "rejection_reason"]
        save_changed(p, fields, by=by, reason=reason)
        record_moves([(before, facts_of(p))])
        transaction.on_commit(lambda: notices.payment_rejected(p, by=by))
    copy_fields(payment, p, fields)
    return payment


def cancel_payment(payment: Payment, *, by, reason: str = "") -> Payment:
    require_permission(permissions.can_draft_payments(by), _("您没有取消慰问金的权限。"))
    with transaction.atomic():
        lock_campaign(payment.campaign_id)
        p = lock_payment(payment.pk)
        require_payment_scope(by, p, _("该慰问金不在您的管理范围内。"))
        if p.status not in (PaymentStatus.DRAFT, PaymentStatus.SUBMITTED):
            raise InvalidTransition(
                _("只有草稿或待审批的慰问金可以取消，当前状态为“%(status)s”。")
                % {"status": p.get_status_display()}
            )
        p.status = PaymentStatus.CANCELLED
        p.cancelled_by = by
        p.cancelled_at = timezone.now()
        fields = ["status", "cancelled_by", "cancelled_at"]
        save_changed(p, fields, by=by, reason=(reason or "").strip() or gettext_noop("取消"))
    copy_fields(payment, p, fields)
    return payment


def ready_for_payout(p: Payment, campaign: Campaign) -> bool:
    """Approved as far as its amount requires (failed payments return here for a new batch)."""
    if p.status == PaymentStatus.APPROVED:
        return p.amount <= campaign.second_approval_threshold
    return p.status in (PaymentStatus.SECOND_APPROVED, PaymentStatus.FAILED)


def _pending_line(p: Payment) -> BatchLine:
    line = (
        BatchLine.objects.select_for_update()
        .filter(payment=p, result=BatchLineResult.PENDING)
        .select_related("batch")
        .first()
    )
    if line is None or line.batch.status != BatchStatus.SENT:
        raise InvalidTransition(_("该慰问金所在批次尚未发送银行，不能登记结果。"))
    return line


def _close_batch_if_done(batch, *, by) -> None:
    if batch.status == BatchStatus.SENT and not batch.lines.filter(result="pending").exists():
        batch.status = BatchStatus.RECONCILED
        batch.reconciled_at = timezone.now()
        save_changed(batch, ["status", "reconciled_at"], by=by, reason=gettext_noop("回盘完成"))


def mark_paid(payment: Payment, *, by, bank_serial: str = "") -> Payment:
    """In a sent batch → paid (bank result), or a cash payment ready for payout → paid."""
    require_permission(permissions.can_mark_results(by), _("您没有登记发放结果的权限。"))
    bank_serial = (bank_serial or "").strip()
    with transaction.atomic():
        campaign = lock_campaign(payment.campaign_id)
        p = lock_payment(payment.pk)
        require_payment_scope(by, p, _("该慰问金不在您的管理范围内。"))
        line = None
        if p.status == PaymentStatus.IN_BATCH:
            line = _pending_line(p)
        elif not (p.method == PaymentMethod.CASH and ready_for_payout(p, campaign)):
            raise InvalidTransition(
                _("该慰问金当前状态为“%(status)s”，不能登记为已发放。")
                % {"status": p.get_status_display()}
            )
        before = facts_of(p)
        p.status = PaymentStatus.PAID
        p.paid_at = timezone.now()
        p.paid_by = by
        p.bank_serial = bank_serial
        fields = ["status", "paid_at", "paid_by", "bank_serial"]
        save_changed(p, fields, by=by, reason=gettext_noop("已发放"))
        record_moves([(before, facts_of(p))])
        if line is not None:
            line.result = BatchLineResult.PAID
            line.bank_serial = bank_serial
            save_changed(
                line, ["result", "bank_serial"], by=by, reason=gettext_noop("银行回盘：成功")
            )
            _close_batch_if_done(line.batch, by=by)
    copy_fields(payment, p, fields)
    return payment


def mark_failed(payment: Payment, *, by, reason: str) -> Payment:
    """The bank refused the transfer: the payment returns to the pool for a new batch."""
    require_permission(permissions.can_mark_results(by), _("您没有登记发放结果的权限。"))
    reason = _require_reason(reason, _("登记发放失败必须写明失败原因。"))
    with transaction.atomic():
        lock_campaign(payment.campaign_id)
        p = lock_payment(payment.pk)
        require_payment_scope(by, p, _("该慰问金不在您的管理范围内。"))
        if p.status != PaymentStatus.IN_BATCH:
            raise InvalidTransition(
                _("只有发放中的慰问金可以登记失败，当前状态为“%(status)s”。")
                % {"status": p.get_status_display()}
            )
        line = _pending_line(p)
        before = facts_of(p)
        p.status = PaymentStatus.FAILED
        p.failure_reason = reason[:200]
        p.failed_at = timezone.now()
        fields = ["status", "failure_reason", "failed_at"]
        save_changed(p, fields, by=by, reason=reason)
        record_moves([(before, facts_of(p))])
        line.result = BatchLineResult.FAILED
        line.failure_reason = reason[:200]
        save_changed(
            line, ["result", "failure_reason"], by=by, reason=gettext_noop("银行回盘：失败")
        )
        _close_batch_if_done(line.batch, by=by)
    copy_fields(payment, p, fields)
    return payment


@logs_four_eyes_refusals
def reverse_payment(payment: Payment, *, by, reason: str) -> Payment:
    """Paid → reversed, by someone who neither approved it nor recorded it as paid."""
    require_permission(permissions.can_reverse_payments(by), _("您没有冲销慰问金的权限。"))
    reason = _require_reason(reason, _("冲销必须写明理由。"))
    with transaction.atomic():
        lock_campaign(payment.campaign_id)
        p = lock_payment(payment.pk)
        require_payment_scope(by, p, _("该慰问金不在您的管理范围内。"))
        if by.pk in (p.paid_by_id, p.approved_by_id, p.second_approved_by_id):
            raise FourEyesViolation(_("冲销须由审批人和登记发放人以外的另一人进行。"))
        if p.status != PaymentStatus.PAID:
            raise InvalidTransition(
                _("只有已发放的慰问金可以冲销，当前状态为“%(status)s”。")
                % {"status": p.get_status_display()}
            )
        before = facts_of(p)
        p.status = PaymentStatus.REVERSED
        p.reversed_by = by
        p.reversed_at = timezone.now()
        p.reversal_reason = reason
        fields = ["status", "reversed_by", "reversed_at", "reversal_reason"]
        save_changed(p, fields, by=by, reason=reason)
        record_moves([(before, facts_of(p))])
    copy_fields(payment, p, fields)
    return payment


__all__ = [
    "cancel_payment",
    "check_no_live_payment",
    "draft_payment",
    "mark_failed",
    "mark_paid",
    "ready_for_payout",
    "reject_payment",
    "reverse_payment",
    "submit_payment",
]
