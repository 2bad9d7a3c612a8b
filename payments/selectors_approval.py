"""The committed sums a bulk approval starts from, one aggregate query per kind of sum.

`services.approval_reads` (one payment) reads a campaign's and a person-year's sums with the
payment itself left out; these read the same sums for many campaigns, people and allocations at
once.
A payment being approved is submitted, so it is not among the committed ones being summed; a
second approval checks no money.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import F, Sum

from .models import Allocation, MoneyTally, Payment, from_fen
from .selectors import COMMITTED, _cents


def committed_by_campaign(campaign_ids: Iterable[int]) -> dict[int, Decimal]:
    """Approved, in batch, failed-awaiting-rebatch and paid money of each campaign: its summary
    tally row (`MoneyTally.summaries`, kept equal to that sum by the services), one row per
    campaign whatever the number of its payments."""
    rows = (
        MoneyTally.summaries()
        .filter(campaign_id__in=set(campaign_ids))
        .values_list("campaign_id", "paid_fen", "pending_fen")
    )
    return {c: from_fen(paid + pending) for c, paid, pending in rows}


def committed_by_person_year(
    person_ids: Iterable[int], years: Iterable[int]
) -> dict[tuple[int, int], Decimal]:
    """What each person has been granted in each year, all campaigns together."""
    rows = (
        Payment.objects.filter(
            person_id__in=set(person_ids), year__in=set(years), status__in=COMMITTED
        )
        .order_by()
        .values_list("person_id", "year")
        .annotate(total=Sum("amount"))
    )
    return {(person_id, year): _cents(total) for person_id, year, total in rows}


def allocations_with_committed(
    campaign_ids: Iterable[int],
) -> tuple[dict[int, list[Allocation]], dict[int, tuple[Decimal, int]]]:
    """The campaigns' allocations (with their unions), and the money and head count committed
    under each: two queries whatever the number of allocations and unions. The committed money
    is read per union from the summary tally rows (`MoneyTally.organisation_summaries`) and each
    union's is added to the allocation whose union's path prefixes it (a campaign's allocations
    never overlap)."""
    by_campaign: dict[int, list[Allocation]] = {}
    for allocation in Allocation.objects.filter(campaign_id__in=set(campaign_ids)).select_related(
        "organisation"
    ):
        by_campaign.setdefault(allocation.campaign_id, []).append(allocation)
    sums: dict[int, tuple[Decimal, int]] = {
        a.pk: (_cents(0), 0) for allocations in by_campaign.values() for a in allocations
    }
    if not sums:
        return by_campaign, sums
    rows = (
        MoneyTally.organisation_summaries()
        .filter(campaign_id__in=list(by_campaign))
        .values_list(
            "campaign_id",
            "organisation__path",
            F("paid_fen") + F("pending_fen"),
            F("paid_n") + F("pending_n"),
        )
    )
    for campaign_id, path, fen, count in rows:
        covering = covering_allocation(by_campaign[campaign_id], path)
        if covering is not None:
            money, places = sums[covering.pk]
            sums[covering.pk] = (money + from_fen(fen), places + count)
    return by_campaign, sums


def covering_allocation(allocations: list[Allocation], path: str) -> Allocation | None:
    """The allocation whose union's subtree holds the organisation at `path`."""
    return next((a for a in allocations if path.startswith(a.organisation.path)), None)
