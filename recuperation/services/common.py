"""Locks, scope checks and saving shared by the recuperation services.

Lock order, always: programme → session → quota → person → nomination, so two steps never
deadlock.
"""

import functools

from cases.models import Organisation, Person
from cases.selectors import scope_path
from core.access import AccessAction, log_access
from core.history import attribute_change

from ..exceptions import FourEyesViolation, OutOfScope
from ..models import Nomination, Programme, Quota, Session


def lock_programme(pk: int) -> Programme:
    return (
        Programme.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=pk)
    )


def lock_session(pk: int) -> Session:
    return Session.objects.select_for_update().get(pk=pk)


def lock_quota(pk: int) -> Quota:
    return Quota.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=pk)


def lock_person(pk: int) -> Person:
    return Person.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=pk)


def lock_nomination(pk: int) -> Nomination:
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("organisation", "person")
        .get(pk=pk)
    )


def covers(user, organisation: Organisation) -> bool:
    """Is `organisation` the user's organisation or one below it?"""
    prefix = scope_path(user)
    if prefix is None:
        return False
    return organisation.path.startswith(prefix)


def require_covers(user, organisation: Organisation, message) -> None:
    if not covers(user, organisation):
        raise OutOfScope(message)


def save_changed(obj, fields: list[str], *, by, reason: str = "") -> None:
    """Save only `fields`, with the history's user and reason."""
    attribute_change(obj, by=by, reason=reason)
    obj.save(update_fields=fields)


def save_new(obj, *, by, reason: str = "") -> None:
    attribute_change(obj, by=by, reason=reason)
    obj.save()


def refresh(target, source, fields: list[str]) -> None:
    """After a step, bring the caller's (stale) instance up to date."""
    for name in fields:
        attname = source._meta.get_field(name).attname
        setattr(target, attname, getattr(source, attname))


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
                detail={"step": func.__name__, "reason": exc.message},
            )
            raise

    return wrapper
