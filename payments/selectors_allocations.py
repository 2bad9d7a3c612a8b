"""Reads of a campaign's allocations (下拨): which allocation covers a payment, and the per-union
table of the campaign page (分配 / 待审 / 已审 / 已发 / 余额 / 名额).

An allocation covers its union's subtree, so a payment belongs to the allocation whose union's
path is a prefix of the payment's organisation path (allocations of a campaign never overlap).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, QuerySet, Sum

from cases.selectors import run_within_or_above_scope

from .models import Allocation, Campaign, MoneyTally, Payment, PaymentStatus, from_fen
from .selectors import COMMITTED, COMMITTED_UNPAID, ZERO, _cents


@dataclass
class AllocationRow:
    """One union's line on the campaign page; money in yuan, places as head counts."""

    allocation: Allocation
    submitted: Decimal = ZERO
    approved: Decimal = ZERO
    paid: Decimal = ZERO
    places_used: int = 0

    @property
    def remaining(self) -> Decimal:
        return self.allocation.amount - self.approved - self.paid

    @property
    def places_left(self) -> int:
        return self.allocation.places - self.places_used


def allocations_visible_to(user, campaign: Campaign) -> QuerySet[Allocation]:
    """The campaign's allocations a user may see: those of unions in the user's subtree, and the
    allocation of a union above the user that covers the user's own union."""
    qs = Allocation.objects.filter(campaign=campaign).select_related("organisation")
    return run_within_or_above_scope(qs, user).order_by("organisation__tree_order")


def allocation_committed(allocation: Allocation) -> tuple[Decimal, int]:
    """Money and head count committed (approved to paid) under an allocation, in one query: the
    sum of the campaign's summary tally rows of the organisations in its union's subtree
    (`MoneyTally.organisation_summaries`, kept equal to its payments by the services), a row
    per organisation whatever the number of payments."""
    totals = (
        MoneyTally.organisation_summaries()
        .filter(
            campaign_id=allocation.campaign_id,
            organisation__path__startswith=allocation.organisation.path,
        )
        .aggregate(fen=Sum(F("paid_fen") + F("pending_fen")), n=Sum(F("paid_n") + F("pending_n")))
    )
    return from_fen(totals["fen"]), totals["n"] or 0


def allocation_rows(allocations: list[Allocation]) -> list[AllocationRow]:
    """The per-union figures of a campaign's allocations in one query, whatever their number.

    The payments are summed per organisation and status in the database and each sum is added
    to the allocation whose union's path prefixes the organisation's path.
    """
    rows = [AllocationRow(a) for a in allocations]
    if not rows:
        return rows
    by_path = sorted(rows, key=lambda r: len(r.allocation.organisation.path), reverse=True)
    sums = (
        Payment.objects.filter(campaign_id=allocations[0].campaign_id)
        .filter(status__in=(PaymentStatus.SUBMITTED, *COMMITTED))
        .values("organisation__path", "status")
        .annotate(total=Sum("amount"), count=Count("id"))
    )
    for entry in sums:
        row = next(
            (
                r
                for r in by_path
                if entry["organisation__path"].startswith(r.allocation.organisation.path)
            ),
            None,
        )
        if row is None:
            continue
        total = _cents(entry["total"] or 0)
        status = entry["status"]
        if status == PaymentStatus.SUBMITTED:
            row.submitted += total
            continue
        row.places_used += entry["count"]
        if status in COMMITTED_UNPAID:
            row.approved += total
        else:
            row.paid += total
    return rows
