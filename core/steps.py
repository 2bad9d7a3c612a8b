"""What every app's state-changing services do around a step: save with who and why, bring the
caller's stale copy up to date, and log a refused four-eyes attempt.

Payments, recuperation and the other domain apps each lock their own rows; these helpers are the
part that is the same whatever the record.
"""

import functools
from collections.abc import Callable, Iterable
from typing import Any

from .access import AccessAction, log_access
from .errors import RuleViolation
from .history import attribute_change


def save_changed(obj: Any, fields: list[str], *, by: Any, reason: str = "") -> None:
    """Save only `fields`, with the history's user and reason set on the instance."""
    attribute_change(obj, by=by, reason=reason)
    obj.save(update_fields=fields)


def save_new(obj: Any, *, by: Any, reason: str = "") -> None:
    """Insert a new record with the history's user and reason set."""
    attribute_change(obj, by=by, reason=reason)
    obj.save()


def copy_fields(target: Any, source: Any, fields: Iterable[str]) -> None:
    """After a successful step on a locked copy, bring the caller's (stale) instance up to date."""
    for name in fields:
        attname = source._meta.get_field(name).attname
        setattr(target, attname, getattr(source, attname))


def logs_refusals_of(refusal: type[RuleViolation]) -> Callable[[Callable], Callable]:
    """A decorator for a step `step(obj, …, by=…)`: a `refusal` it raises (a four-eyes attempt)
    is written to the access log after the step's transaction rolled back, then re-raised."""

    def decorator(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(obj, *args, by, **kwargs):
            try:
                return func(obj, *args, by=by, **kwargs)
            except refusal as exc:
                detail = {"step": func.__name__, "reason": exc.message}
                if hasattr(obj, "reference"):
                    detail["reference"] = obj.reference
                log_access(user=by, action=AccessAction.FOUR_EYES, obj=obj, detail=detail)
                raise

        return wrapper

    return decorator
