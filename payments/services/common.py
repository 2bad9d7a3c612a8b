"""Helpers shared by the payment and batch services: locks, counters, scope, saving."""

from django.db import IntegrityError, transaction

from cases.models import Organisation
from cases.selectors import scope_path
from core.steps import copy_fields as copy_fields
from core.steps import logs_refusals_of
from core.steps import save_changed as save_changed
from core.steps import save_new as save_new

from ..exceptions import FourEyesViolation, OutOfScope
from ..models import Campaign, Payment, ReferenceCounter


def next_number(key: str) -> int:
    """The next number for `key`, under a row lock held until the caller's transaction ends."""
    if not ReferenceCounter.objects.filter(key=key).exists():
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(key=key, value=0)
        except IntegrityError:
            pass  # created meanwhile by a concurrent request
    counter = ReferenceCounter.objects.select_for_update().get(key=key)
    counter.value += 1
    counter.save(update_fields=["value"])
    return counter.value


def in_scope(user, organisation_id: int) -> bool:
    prefix = scope_path(user)
    if prefix is None:
        return False
    if prefix == "":
        return True
    return Organisation.objects.filter(pk=organisation_id, path__startswith=prefix).exists()


def require_scope(user, organisation_id: int, message) -> None:
    if not in_scope(user, organisation_id):
        raise OutOfScope(message)


def lock_campaign(campaign_id: int) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign_id)


def lock_payment(payment_id: int) -> Payment:
    """The payment row, locked, with its organisation read in the same query (not locked)."""
    return (
        Payment.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=payment_id)
    )


def require_payment_scope(user, payment: Payment, message) -> None:
    """Scope check on a payment read by `lock_payment`: no further query."""
    prefix = scope_path(user)
    if prefix is None or not payment.organisation.path.startswith(prefix):
        raise OutOfScope(message)


# Refused four-eyes attempts on payments go to the access log, with the payment's reference.
logs_four_eyes_refusals = logs_refusals_of(FourEyesViolation)
