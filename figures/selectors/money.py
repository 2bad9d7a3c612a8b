"""Money: paid minus reversed, in 人次 and yuan, with approved-not-paid apart.

A payment counts +1 and +amount in the period it was paid, and −1 and −amount in the period it
was reversed (a reversal in January undoes December's payment in January's figures, as the
books do). Approved-not-paid counts the payments approved for the year that have not reached
the bank: approved, second-approved, in a batch, or failed and waiting for a new batch.

Each movement is one `Q` (`movement_q`), which the lists behind every figure filter by. The
page's figures are read from the tallies the payment services keep (`payments.MoneyTally`,
`PersonTally`): the same rule applied one payment at a time as it moves, so a figure and its list
agree to the fen (tests/figures/test_reconciliation.py, and `manage.py rebuild_statistics
--check` against the payments).
"""

from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db.models import Aggregate, Count, Q, QuerySet, Sum

from cases.models import Person
from payments.models import MoneyTally, Payment, PaymentStatus, PersonTally, from_fen
from payments.selectors import COMMITTED_UNPAID

from ..filters import NO_ITEM, NO_TIER, StatFilter
from .scope import narrowed

ZERO = Decimal("0.00")
PAID_ONCE = (PaymentStatus.PAID, PaymentStatus.REVERSED)


def movement_q(figure: str, f: StatFilter) -> Q:
    """The payments one movement of the period counts (`net` = paid or reversed)."""
    paid = Q(status__in=PAID_ONCE, paid_at__gte=f.start, paid_at__lt=f.end)
    reversed_ = Q(status=PaymentStatus.REVERSED, reversed_at__gte=f.start, reversed_at__lt=f.end)
    if figure == "paid":
        return paid
    if figure == "reversed":
        return reversed_
    if figure == "kept":  # paid in the period and not reversed since
        return Q(status=PaymentStatus.PAID, paid_at__gte=f.start, paid_at__lt=f.end)
    if figure == "pending":
        return Q(status__in=COMMITTED_UNPAID, year=f.year)
    return paid | reversed_


def filtered_payments(user, f: StatFilter) -> QuerySet[Payment]:
    """Payments in scope matching the page's filters and the figure's coordinates.

    `narrowed` applies the user's scope (as `payments.selectors.payments_visible_to` does): once,
    since the same `organisation_id IN (…)` written twice makes PostgreSQL square its
    selectivity, and at a union's scale it then prefers the organisation index to the period's."""
    qs = narrowed(Payment.objects.all(), user, f)
    if f.kind:
        qs = qs.filter(campaign__kind=f.kind)
    if f.source:
        qs = qs.filter(campaign__funding_source=f.source)
    if f.item:
        qs = qs.filter(assistance_item="" if f.item == NO_ITEM else f.item)
    if f.category:
        qs = qs.filter(case__category=f.category)
    if f.tier:
        qs = qs.filter(case__hardship_level="" if f.tier == NO_TIER else f.tier)
    if f.campaign:
        qs = qs.filter(campaign_id=f.campaign)
    if f.flag:
        qs = qs.filter(**{f"person__{f.flag}": True})
    return qs


@dataclass
class Money:
    paid_n: int = 0
    paid: Decimal = ZERO
    reversed_n: int = 0
    reversed: Decimal = ZERO
    pending_n: int = 0
    pending: Decimal = ZERO

    @property
    def net_n(self) -> int:
        return self.paid_n - self.reversed_n

    @property
    def net(self) -> Decimal:
        return self.paid - self.reversed

    def add(self, other: "Money") -> None:
        self.paid_n += other.paid_n
        self.paid += other.paid
        self.reversed_n += other.reversed_n
        self.reversed += other.reversed
        self.pending_n += other.pending_n
        self.pending += other.pending

    @property
    def is_empty(self) -> bool:
        return not (self.paid_n or self.reversed_n or self.pending_n)


def _annotations(f: StatFilter) -> dict[str, Aggregate]:
    values: dict[str, Aggregate] = {}
    for figure in ("paid", "reversed", "pending"):
        q = movement_q(figure, f)
        values[f"{figure}_n"] = Count("id", filter=q)
        values[figure] = Sum("amount", filter=q)
    return values


def cents(value) -> Decimal:
    """A sum as yuan to the fen (SQLite hands back `Decimal('1000')`, PostgreSQL `1000.00`)."""
    return Decimal(value or 0).quantize(ZERO)


def _money(row: Mapping[str, Any]) -> Money:
    return Money(
        paid_n=row["paid_n"],
        paid=cents(row["paid"]),
        reversed_n=row["reversed_n"],
        reversed=cents(row["reversed"]),
        pending_n=row["pending_n"],
        pending=cents(row["pending"]),
    )


@dataclass(frozen=True)
class MoneyGroup:
    campaign: int
    kind: str
    source: str
    item: str
    tier: str
    organisation: int
    money: Money


def tallies(user, f: StatFilter, model=MoneyTally) -> QuerySet:
    """The tally rows (`payments.MoneyTally` or `PersonTally`) of the year in scope, narrowed
    by the page's filters like `filtered_payments` narrows the payments. A person flag is a
    list's coordinate only: the tallies do not carry it."""
    if f.flag:
        raise ValueError("the tallies are not kept by person flag")
    qs = narrowed(model.objects.filter(year=f.year), user, f)
    if f.kind:
        qs = qs.filter(campaign__kind=f.kind)
    if f.source:
        qs = qs.filter(campaign__funding_source=f.source)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.campaign:
        qs = qs.filter(campaign_id=f.campaign)
    if model is MoneyTally:
        if f.item:
            qs = qs.filter(assistance_item="" if f.item == NO_ITEM else f.item)
        if f.tier:
            qs = qs.filter(tier="" if f.tier == NO_TIER else f.tier)
    return qs


_SUMS = {name: Sum(name) for name in MoneyTally.VALUES}


def _tallied(row: Mapping[str, Any]) -> Money:
    return Money(
        paid_n=row["paid_n"] or 0,
        paid=from_fen(row["paid_fen"]),
        reversed_n=row["reversed_n"] or 0,
        reversed=from_fen(row["reversed_fen"]),
        pending_n=row["pending_n"] or 0,
        pending=from_fen(row["pending_fen"]),
    )


def money_groups(user, f: StatFilter) -> list[MoneyGroup]:
    """The year's money by campaign, kind, source, item, tier and organisation: one GROUP BY
    over the tallies (a few thousand rows a year, where the payments are a few hundred
    thousand). Every money figure of the page is a roll-up of these groups (see `roll_up`)."""
    rows = (
        tallies(user, f)
        .values(
            "campaign_id",
            "campaign__kind",
            "campaign__funding_source",
            "assistance_item",
            "tier",
            "organisation_id",
        )
        .annotate(**_SUMS)
        .order_by()
    )
    groups = [
        MoneyGroup(
            campaign=row["campaign_id"],
            kind=row["campaign__kind"],
            source=row["campaign__funding_source"],
            item=row["assistance_item"] or NO_ITEM,
            tier=row["tier"] or NO_TIER,
            organisation=row["organisation_id"],
            money=_tallied(row),
        )
        for row in rows
    ]
    return [g for g in groups if not g.money.is_empty]


def roll_up(groups: list[MoneyGroup], key) -> dict[Hashable, Money]:
    """The groups summed by `key(group)`; a key of None leaves the group out."""
    totals: dict[Hashable, Money] = defaultdict(Money)
    for group in groups:
        k = key(group)
        if k is not None:
            totals[k].add(group.money)
    return dict(totals)


@dataclass(frozen=True)
class Listed:
    """A list's own total (`money_of`): its money, its exact number of rows, and the distinct
    people it pays when asked for (None otherwise)."""

    money: Money
    rows: int
    people: int | None


def money_of(qs: QuerySet[Payment], f: StatFilter, *, people: bool = False) -> Listed:
    """The same conditional aggregates over any payments queryset (a list's own total), the
    number of its rows (so its pages need no count of their own) and, with `people`, the
    distinct people it pays: a sort of every listed payment's person, paid for only where it
    is shown (at a million people it was half the statement's time)."""
    values: dict[str, Aggregate] = {"rows": Count("id"), **_annotations(f)}
    if people:
        values["people"] = Count("person_id", distinct=True)
    row = qs.aggregate(**values)
    return Listed(_money(row), row["rows"], row["people"] if people else None)


def monthly(user, f: StatFilter) -> list[Money]:
    """Paid and reversed (人次 and yuan) per month of the year: one GROUP BY over the tallies."""
    dated = tallies(user, f).filter(month__gte=1).values("month").annotate(**_SUMS).order_by()
    rows = {row["month"]: _tallied(row) for row in dated}
    return [replace(rows.get(m, Money()), pending_n=0, pending=ZERO) for m in range(1, 13)]


def people_reached(user, f: StatFilter, groups: Mapping[str, tuple[str, str]]) -> dict[str, int]:
    """Distinct flagged people paid (and not reversed) in the period by a campaign of their
    kind; `groups` maps a name to (the person's flag, the campaign kind). Read from the
    per-person tallies of the year (`payments.PersonTally`), joined to the people for the flag
    as it is today."""
    values = {
        name: Count(
            "person_id",
            distinct=True,
            # Ids of the flagged, not a join to the million people: a hashed set read from
            # the flag's partial index (cases.Person's person_frontline / person_hubei).
            filter=Q(
                campaign__kind=kind,
                person_id__in=Person.objects.filter(**{flag: True}).values("id"),
            ),
        )
        for name, (flag, kind) in groups.items()
    }
    kinds = sorted({kind for _flag, kind in groups.values()})
    return (
        tallies(user, f, PersonTally)
        .filter(kept_n__gt=0, campaign__kind__in=kinds)
        .aggregate(**values)
    )
