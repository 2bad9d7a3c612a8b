"""Locks, scope checks and saving shared by the recuperation services.

Lock order, always: programme → session → quota → person → nomination, so two steps never
deadlock.
"""

from cases.models import Organisation, Person
from cases.selectors import scope_path
from core.steps import copy_fields as copy_fields
from core.steps import logs_refusals_of
from core.steps import save_changed as save_changed
from core.steps import save_new as save_new

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


logs_four_eyes_refusals = logs_refusals_of(FourEyesViolation)
