"""Who and why, for django-simple-history.

simple-history reads the acting user and the reason from two private attributes of the instance
when it writes the history row. Every service sets them through this one function, so the
attribute names live in one place and type checkers see a plain call.
"""

from typing import Any


def attribute_change(instance: Any, *, by: Any, reason: str = "") -> None:
    """Attribute the next save of `instance` to `by`, with `reason` as the history's reason."""
    instance._history_user = by
    instance._change_reason = str(reason) if reason else ""
