"""Every write of the recuperation app (see `setup` and `nominations`)."""

from .common import covers
from .nominations import (
    approve_nomination,
    confirm_nomination,
    decline_nomination,
    is_eligible_for,
    nominate,
    nominate_replacement,
    quota_for,
    record_attendance,
    reject_nomination,
)
from .setup import add_session, create_programme, seated_count, set_quota, total_capacity

__all__ = [
    "add_session",
    "approve_nomination",
    "confirm_nomination",
    "covers",
    "create_programme",
    "decline_nomination",
    "is_eligible_for",
    "nominate",
    "nominate_replacement",
    "quota_for",
    "record_attendance",
    "reject_nomination",
    "seated_count",
    "set_quota",
    "total_capacity",
]
