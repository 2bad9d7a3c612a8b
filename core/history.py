"""Who and why, for django-simple-history.

simple-history reads the acting user and the reason from two private attributes of the instance
when it writes the history row. Every service sets them through this one function, so the
attribute names live in one place and type checkers see a plain call.
"""

from typing import Any

from django.dispatch import Signal


def attribute_change(instance: Any, *, by: Any, reason: str = "") -> None:
    """Attribute the next save of `instance` to `by`, with `reason` as the history's reason."""
    instance._history_user = by
    instance._change_reason = str(reason) if reason else ""


# Sent by code that writes history rows without django-simple-history's per-row signal or its
# bulk helpers (a raw INSERT for speed), with `history_model` and the new rows' `history_ids`.
# `audits` receives it and indexes the rows in the same transaction, so tamper evidence covers
# every write path without the domain apps importing `audits`.
bulk_history_written = Signal()
