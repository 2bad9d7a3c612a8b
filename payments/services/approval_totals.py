"""What the approval checks ask of the money and files around a payment (`ApprovalTotals`).

Two implementations: `approval_reads.PaymentTotals` (one payment, read in one statement under
its locks) and `bulk_approval.BulkTotals` (a set, read once and moved in memory as payments are
granted). A rule that needs a new figure adds a method here and to both.
"""

import datetime
from abc import ABC, abstractmethod
from decimal import Decimal

from ..models import Allocation, Payment
from .hardship_files import FileState
from .household_caps import Allowance


class ApprovalTotals(ABC):
    """The committed sums and file facts the checks compare against, the payment decided left
    out of every sum."""

    @abstractmethod
    def campaign_committed(self, payment: Payment) -> Decimal:
        """Approved, in batch, failed-awaiting-rebatch and paid money of the campaign."""

    @abstractmethod
    def person_year(self, payment: Payment) -> Decimal:
        """What the payment's person has been granted in the payment's year, all campaigns."""

    @abstractmethod
    def allocation_for(self, payment: Payment) -> tuple[Allocation | None, bool]:
        """The allocation covering the payment's union, and whether the campaign has any."""

    @abstractmethod
    def allocation_committed(self, allocation: Allocation) -> tuple[Decimal, int]:
        """Money and head count committed under an allocation."""

    @abstractmethod
    def file_state(self, payment: Payment, on_date: datetime.date) -> FileState:
        """The hardship file of the payment's person on `on_date`, and whether the payment's
        item has a household standard."""

    @abstractmethod
    def household(self, payment: Payment, on_date: datetime.date) -> Allowance | None:
        """The household's allowance for the payment's item and year (its file row locked), or
        None when no household cap applies."""


__all__ = ["ApprovalTotals"]
