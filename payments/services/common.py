"""Helpers shared by the payment and batch services: locks, counters, scope, saving."""

import functools

from django.db import IntegrityError, transaction

from cases.models import Organisation
from cases.selectors import scope_path
from core.access import AccessAction, log_access
from core.history import attribute_change

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


def save_changed(obj, fields: list[str], *, by, reason: str = "") -> None:
    """Save only `fields`, with the history's user and reason set on the instance."""
    attribute_change(obj, by=by, reason=reason)
    obj.save(update_fields=fields)


def save_new(obj, *, by, reason: str = "") -> None:
    """Insert a new record with the history's user and reason set."""
    attribute_change(obj, by=by, reason=reason)
    obj.save()


def copy_fields(target, source, fields: list[str]) -> None:
    """After a successful step, bring the caller's (stale) instance up to date."""
    for name in fields:
        field = source._meta.get_field(name)
        setattr(target, field.attname, getattr(source, field.attname))


def logs_four_eyes_refusals(func):
    """Write a refused four-eyes attempt to the access log after its transaction rolled back."""

    @functools.wraps(func)
    def wrapper(obj, *args, by, **kwargs):
        try:
            return func(obj, *args, by=by, **kwargs)
        except FourEyesViolation as exc:
            log_access(
                user=by,
                action=AccessAction.FOUR_EYES,
                obj=obj,
                detail={
                    "step": func.__name__,
                    "reference": getattr(obj, "reference", ""),
                    "reason": exc.message,
                },
            )
            raise

    return wrapper
