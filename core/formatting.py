"""How numbers, money and dates are shown: one style everywhere, in both languages."""

import datetime
from decimal import Decimal

from django.utils import timezone

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A text a spreadsheet would evaluate as a formula gets a leading quote."""
    if value and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def mask(value: str, keep_start: int = 6, keep_end: int = 4) -> str:
    """`410102********1234`: the default way every sensitive number is shown."""
    value = value or ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def format_money(amount: Decimal | int | None) -> str:
    """`¥1,200.00`: yuan with thousands separators and exactly two decimals."""
    if amount is None:
        return ""
    return f"¥{Decimal(amount):,.2f}"


def format_date(value: datetime.date | None) -> str:
    """`2026-12-02`: ISO dates read the same in Chinese and English."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return value.isoformat()


def format_datetime(value: datetime.datetime | None) -> str:
    """`2026-12-02 20:56` in the site's time zone."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M")
