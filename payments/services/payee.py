"""The payee of a payment: fixed when it is first approved, moved only by a re-approval.

The bank file pays `Payment.payee_*`, not the person's current details, so an account edited
after approval (by anyone, alone) changes nothing that is paid. The change shows on the payment
page and in the exception report "审批后收款账户变更"; `reapprove_payee` — four-eyes, like any
approval — is the only way the payment follows the person's new account.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.models import Person

from .. import permissions
from ..exceptions import FourEyesViolation, InvalidTransition, NotPermitted, ReasonRequired
from ..models import Payment, PaymentStatus
from .common import (
    copy_fields,
    lock_campaign,
    lock_payment,
    logs_four_eyes_refusals,
    require_payment_scope,
    save_changed,
)

# Payment field ← the person's field it is copied from.
PAYEE_SOURCES = {"payee_name": "name", "payee_bank": "bank_name", "payee_account": "bank_account"}
# Approved and not (or no longer) with the bank: a re-approval can still change where it goes.
REAPPROVABLE = (PaymentStatus.APPROVED, PaymentStatus.SECOND_APPROVED, PaymentStatus.FAILED)
_HISTORY_LOOKBACK = 50


def take_payee_snapshot(payment: Payment, person: Person) -> list[str]:
    """Copy the (locked) person's holder, bank and account onto the payment; the fields set."""
    for target, source in PAYEE_SOURCES.items():
        setattr(payment, target, getattr(person, source))
    return list(PAYEE_SOURCES)


def _payee(person) -> tuple[str, str, str]:
    return (person.name, person.bank_name, person.bank_account)


def who_set_current_payee(person: Person):
    """The user id on the oldest history row of the newest run carrying the current holder,
    bank and account: whoever put the current details there (None if unknown)."""
    current = _payee(person)
    changer = None
    rows = person.history.order_by("-history_date", "-history_id").values_list(
        "history_user_id", "name", "bank_name", "bank_account"
    )[:_HISTORY_LOOKBACK]
    for user_id, *values in rows:
        if tuple(values) != current:
            break
        changer = user_id
    return changer


@logs_four_eyes_refusals
def reapprove_payee(payment: Payment, *, by, reason: str) -> Payment:
    """Move an approved payment to its person's current holder, bank and account.

    Needs the first-approval permission, a reason, and a second person: neither the payment's
    drafter or submitter, nor whoever entered the new details.
    """
    if not permissions.can_approve_payments(by):
        raise NotPermitted(_("您没有审批慰问金的权限。"))
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("请填写重新审批收款账户的理由。"))
    with transaction.atomic():
        lock_campaign(payment.campaign_id)
        p = lock_payment(payment.pk)
        require_payment_scope(by, p, _("该慰问金不在您的管理范围内。"))
        person = Person.objects.select_for_update().get(pk=p.person_id)
        p.person = person
        if p.status not in REAPPROVABLE:
            raise InvalidTransition(
                _("该慰问金当前状态为“%(status)s”，不能重新审批收款账户。")
                % {"status": p.get_status_display()}
            )
        if not p.payee_changed:
            raise InvalidTransition(_("收款账户自审批以来没有变更，无需重新审批。"))
        if by.pk in (p.created_by_id, p.submitted_by_id):
            raise FourEyesViolation(_("起草或提交慰问金的人不能审批同一笔款项。"))
        if by.pk == who_set_current_payee(person):
            raise FourEyesViolation(_("修改收款账户的人不能审批这一变更，须由另一人重新审批。"))
        fields = take_payee_snapshot(p, person)
        save_changed(
            p, fields, by=by, reason=gettext_noop("收款账户变更后重新审批") + "：" + reason
        )
    copy_fields(payment, p, fields)
    return payment


__all__ = ["REAPPROVABLE", "reapprove_payee", "take_payee_snapshot"]
