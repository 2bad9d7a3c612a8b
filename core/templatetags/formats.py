"""The three display styles every page uses, loaded as template builtins (no `{% load %}`):
`{{ amount|money }}` → ¥1,200.00, `{{ date|day }}` → 2026-12-02,
`{{ moment|day_time }}` → 2026-12-02 20:56 (site time zone). Same in Chinese and English, so
a printed page and a screenshot read the same whatever the reader's language."""

from decimal import Decimal, InvalidOperation

from django import template

from core.formatting import format_date, format_datetime, format_money
from core.reasons import translate_reason

register = template.Library()


@register.filter
def money(value) -> str:
    """Money, or the value untouched when it is not a number (an empty cell stays empty)."""
    if value is None or value == "":
        return ""
    try:
        return format_money(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


@register.filter
def day(value) -> str:
    try:
        return format_date(value) if value else ""
    except (AttributeError, TypeError):
        return str(value)


@register.filter
def day_time(value) -> str:
    try:
        return format_datetime(value) if value else ""
    except (AttributeError, TypeError):
        return str(value)


@register.filter
def reason(value) -> str:
    """A reason stored in the history, in the reader's language (see core.reasons)."""
    return translate_reason(str(value)) if value else ""
