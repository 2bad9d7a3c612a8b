"""The statistics' reads: every figure is a SQL aggregate over the user's scope."""

from ..filters import sector_label
from .activity import coverage, filtered_nominations, filtered_visits, recuperation, visit_counts
from .budget import allocations_of, campaigns_of
from .files import FILE_FIGURES, file_figures, file_q, filtered_files, reviews_done
from .money import (
    Listed,
    Money,
    MoneyGroup,
    filtered_payments,
    money_groups,
    money_of,
    monthly,
    movement_q,
    roll_up,
)
from .scope import OrganisationMap, narrowed

__all__ = [
    "FILE_FIGURES",
    "Listed",
    "Money",
    "MoneyGroup",
    "OrganisationMap",
    "allocations_of",
    "campaigns_of",
    "coverage",
    "file_figures",
    "file_q",
    "filtered_files",
    "filtered_nominations",
    "filtered_payments",
    "filtered_visits",
    "money_groups",
    "money_of",
    "monthly",
    "movement_q",
    "narrowed",
    "recuperation",
    "reviews_done",
    "roll_up",
    "sector_label",
    "visit_counts",
]
