"""Keeping the statistics' tallies (`MoneyTally`, `PersonTally`) equal to the payments.

Each payment contributes to a few tally keys, a function of its state alone (`contributions`).
A service that moves payments takes their facts before the move and hands the before and after
to `record_moves`, inside its transaction and under its locks: the tallies change by the
difference, one upsert per table (`core.tallies.add_to_tallies`), so two transactions adding to
the same row both count. `rebuild_tallies` computes the same sums from the payments in SQL, for
a database filled before the tallies existed and as the check.

A campaign's summary row (year 0: `MoneyTally`) is its committed money, which every first
approval's budget check reads: each transition into or out of a committed state comes here under
the campaign row's lock, which it takes first, and the upsert (tally rows last) writes the
summary in the same statement as the payment's other rows.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.db import OperationalError, connection, transaction
from django.db.models import BigIntegerField, Count, F, Sum, Value
from django.db.models.functions import Cast, ExtractMonth, ExtractYear, Round
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from core.tallies import add_to_tallies, tally_statement

from ..exceptions import PaymentsBusy
from ..models import MoneyTally, Payment, PaymentStatus, PersonTally, to_fen

UNPAID_COMMITTED = (
    PaymentStatus.APPROVED,
    PaymentStatus.SECOND_APPROVED,
    PaymentStatus.IN_BATCH,
    PaymentStatus.FAILED,
)
PAID_ONCE = (PaymentStatus.PAID, PaymentStatus.REVERSED)

MoneyKey = tuple[Any, ...]  # MoneyTally.KEY order: year, month, campaign, organisation, …
PersonKey = tuple[Any, ...]  # PersonTally.KEY order
MoneyValues = tuple[int, ...]  # MoneyTally.VALUES order
SUMMARY_YEAR = MoneyTally.SUMMARY_YEAR  # a campaign's summary row: MoneyTally's docstring


@dataclass(frozen=True)
class PaymentFacts:
    """What a payment's tallies depend on: its state and coordinates, its case's tier and
    category (`tier` None until read: `record_moves` reads them once the rows are locked)."""

    status: str
    fen: int
    year: int
    paid_at: object
    reversed_at: object
    campaign: int
    organisation: int
    person: int
    case: int
    item: str
    category: str | None = None
    tier: str | None = None


def facts_of(p: Payment) -> PaymentFacts:
    return PaymentFacts(
        status=p.status,
        fen=to_fen(p.amount),
        year=p.year,
        paid_at=p.paid_at,
        reversed_at=p.reversed_at,
        campaign=p.campaign_id,
        organisation=p.organisation_id,
        person=p.person_id,
        case=p.case_id,
        item=p.assistance_item or "",
    )


def _summary_keys(facts: PaymentFacts) -> tuple[MoneyKey, MoneyKey]:
    """The payment's campaign's summary row and its organisation's row in the campaign."""
    return (
        MoneyTally.summary_key(facts.campaign),
        MoneyTally.summary_key(facts.campaign, facts.organisation),
    )


def _local_year_month(moment) -> tuple[int, int]:
    local = timezone.localtime(moment)
    return local.year, local.month


def contributions(
    facts: PaymentFacts,
) -> tuple[dict[MoneyKey, MoneyValues], dict[PersonKey, int]]:
    """The payment's part of each tally: +1 and its amount where it was paid (by the month of
    `paid_at`), where it was reversed (month of `reversed_at`) and, while approved but not paid,
    at month 0 of its `year`; in its campaign's summary row while committed (paid or approved);
    and one kept payment for its person in the year it was paid."""
    money: dict[MoneyKey, list[int]] = defaultdict(lambda: [0] * 6)
    people: dict[PersonKey, int] = {}
    coordinates = (facts.campaign, facts.organisation, facts.category or "", facts.tier or "")

    def key(year: int, month: int) -> MoneyKey:
        return (year, month, *coordinates, facts.item)

    if facts.status in UNPAID_COMMITTED:
        money[key(facts.year, 0)][4:6] = [1, facts.fen]
        for summary in _summary_keys(facts):
            money[summary][4:6] = [1, facts.fen]
    if facts.status == PaymentStatus.PAID:
        for summary in _summary_keys(facts):
            money[summary][0:2] = [1, facts.fen]
    if facts.status in PAID_ONCE and facts.paid_at is not None:
        year, month = _local_year_month(facts.paid_at)
        money[key(year, month)][0] += 1
        money[key(year, month)][1] += facts.fen
        if facts.status == PaymentStatus.PAID:
            person_key = (year, facts.person, facts.campaign, facts.organisation)
            people[(*person_key, facts.category or "")] = 1
    if facts.status == PaymentStatus.REVERSED and facts.reversed_at is not None:
        year, month = _local_year_month(facts.reversed_at)
        money[key(year, month)][2] += 1
        money[key(year, month)][3] += facts.fen
    return {k: tuple(v) for k, v in money.items()}, people


class Moves:
    """The deltas of one transaction, summed per key, written by `flush`."""

    def __init__(self) -> None:
        self.money: dict[MoneyKey, list[int]] = defaultdict(lambda: [0] * 6)
        self.people: dict[PersonKey, int] = defaultdict(int)

    def add(self, facts: PaymentFacts, sign: int) -> None:
        money, people = contributions(facts)
        for k, values in money.items():
            row = self.money[k]
            for i, v in enumerate(values):
                row[i] += sign * v
        for pk, n in people.items():
            self.people[pk] += sign * n

    def rows(self) -> list[tuple[Any, list]]:
        """(tally model, its (key, values) rows) for each table with a change."""
        money = sorted((k, tuple(v)) for k, v in self.money.items() if any(v))
        people = sorted((k, (v,)) for k, v in self.people.items() if v)
        return [(model, rows) for model, rows in ((MoneyTally, money), (PersonTally, people))]

    def flush(self) -> None:
        for model, rows in self.rows():
            add_to_tallies(model, rows)

    def statements(self) -> list[tuple[str, list]]:
        """The upserts `flush` would run, as SQL and parameters."""
        found = (tally_statement(model, rows) for model, rows in self.rows())
        return [statement for statement in found if statement is not None]


def _differs(before: PaymentFacts, after: PaymentFacts) -> bool:
    return contributions(before) != contributions(after)


def record_moves(
    moves: Iterable[tuple[PaymentFacts, PaymentFacts]],
    *,
    cases: dict[int, tuple[str, str]] | None = None,
) -> None:
    """Apply (before, after) pairs of payments that moved in this transaction. Tier and
    category are read here, after the payments are locked, in one query: a tier change
    (`move_case_tier`) locks the payments first, so this read sees the tier it committed. A
    caller that has read them itself after its locks (the single approval) passes `cases`
    (case id → category, tier) and spares the query."""
    tally = _moves(moves, cases)
    if tally is not None:
        tally.flush()


def tally_statements(
    moves: Iterable[tuple[PaymentFacts, PaymentFacts]], *, cases: dict[int, tuple[str, str]]
) -> list[tuple[str, list]]:
    """What `record_moves` would write, as statements for the caller to send with its own write
    (the single approval: one round trip less); `cases` as for `record_moves`."""
    tally = _moves(moves, cases)
    return [] if tally is None else tally.statements()


def _moves(
    moves: Iterable[tuple[PaymentFacts, PaymentFacts]],
    cases: dict[int, tuple[str, str]] | None,
) -> Moves | None:
    """The tally changes of `moves`, None when no tally changes."""
    changed = [(b, a) for b, a in moves if _differs(b, a)]
    if not changed:
        return None
    wanted = {a.case for _b, a in changed}
    if cases is None or not wanted <= cases.keys():
        cases = {
            pk: (category, tier)
            for pk, category, tier in Case.objects.filter(pk__in=wanted).values_list(
                "pk", "category", "hardship_level"
            )
        }
    tally = Moves()
    for before, after in changed:
        category, tier = cases[after.case]
        tally.add(replace(before, category=category, tier=tier), -1)
        tally.add(replace(after, category=category, tier=tier), +1)
    return tally


def move_case_tier(case_id: int, old_tier: str, new_tier: str) -> None:
    """A case's tier changed: its payments' figures move from the old tier to the new one.
    Its payments are locked first, so a payment moving at the same time is counted once, under
    the tier its own transaction reads after this one commits. The lock does not wait: a payment
    held by an approval means the tier change is refused (`PaymentsBusy`), not deadlocked."""
    if old_tier == new_tier:
        return
    try:
        with transaction.atomic():
            payments = list(
                Payment.objects.select_for_update(nowait=True)
                .filter(case_id=case_id)
                .order_by("pk")
            )
    except OperationalError as exc:
        # An approval holds one of them and will lock this case next (household cap): waiting
        # here would be a deadlock. Refuse the tier change; the caller's transaction rolls back.
        raise PaymentsBusy(_("此档案的款项正在审批或发放，请稍后再调整困难类别。")) from exc
    if not payments:
        return
    category = Case.objects.values_list("category", flat=True).get(pk=case_id)
    tally = Moves()
    for p in payments:
        facts = replace(facts_of(p), category=category)
        tally.add(replace(facts, tier=old_tier), -1)
        tally.add(replace(facts, tier=new_tier), +1)
    tally.flush()


def on_case_tier_changed(sender, *, case_id: int, old: str, new: str, **kwargs) -> None:
    """`cases.signals.case_tier_changed`: the cases app cannot call `move_case_tier` itself."""
    move_case_tier(case_id, old, new)


# Rebuilding from the payments ------------------------------------------------------------

_FEN = Sum(Cast(Round(F("amount") * 100), BigIntegerField()))


def expected_money(year: int | None = None) -> dict[MoneyKey, MoneyValues]:
    """The money tallies computed from the payments by three GROUP BYs (paid, reversed,
    approved-not-paid), optionally for one year."""
    totals: dict[MoneyKey, list[int]] = defaultdict(lambda: [0] * 6)
    coordinates = ("campaign_id", "organisation_id", "category", "tier", "item")
    base = Payment.objects.order_by().annotate(
        category=F("case__category"), tier=F("case__hardship_level"), item=F("assistance_item")
    )
    sources = (
        (0, "paid_at", base.filter(status__in=PAID_ONCE, paid_at__isnull=False)),
        (2, "reversed_at", base.filter(status=PaymentStatus.REVERSED, reversed_at__isnull=False)),
        (4, None, base.filter(status__in=UNPAID_COMMITTED)),
    )
    if year in (None, SUMMARY_YEAR):
        for key, values in expected_summaries().items():
            totals[key] = [a + b for a, b in zip(totals[key], values, strict=True)]
    if year == SUMMARY_YEAR:
        return {k: tuple(v) for k, v in totals.items()}
    for offset, moment, qs in sources:
        if moment is None:
            qs = qs.annotate(y=F("year"), m=Value(0))
        else:
            qs = qs.annotate(y=ExtractYear(moment), m=ExtractMonth(moment))
        if year is not None:
            qs = qs.filter(y=year)
        rows = qs.values("y", "m", *coordinates).annotate(n=Count("id"), fen=_FEN)
        for row in rows:
            k: MoneyKey = (row["y"], row["m"], row["campaign_id"], row["organisation_id"])
            k += (row["category"], row["tier"] or "", row["item"] or "")
            totals[k][offset] += row["n"]
            totals[k][offset + 1] += row["fen"] or 0
    return {k: tuple(v) for k, v in totals.items()}


def expected_summaries() -> dict[MoneyKey, MoneyValues]:
    """The campaigns' summary rows computed from the payments, per campaign and per campaign and
    organisation: paid and kept, approved and not paid, all years together."""
    totals: dict[MoneyKey, list[int]] = defaultdict(lambda: [0] * 6)
    sources = (
        (0, Payment.objects.filter(status=PaymentStatus.PAID)),
        (4, Payment.objects.filter(status__in=UNPAID_COMMITTED)),
    )
    for offset, qs in sources:
        for group in (("campaign_id",), ("campaign_id", "organisation_id")):
            rows = qs.order_by().values_list(*group).annotate(n=Count("id"), fen=_FEN)
            for *coordinates, n, fen in rows:
                key = MoneyTally.summary_key(*coordinates)
                totals[key][offset : offset + 2] = [n, fen or 0]
    return {k: tuple(v) for k, v in totals.items()}


def _kept(year: int | None = None):
    qs = (
        Payment.objects.order_by()
        .filter(status=PaymentStatus.PAID, paid_at__isnull=False)
        .annotate(y=ExtractYear("paid_at"), category=F("case__category"))
    )
    if year is not None:
        qs = qs.filter(y=year)
    return qs.values_list("y", "person_id", "campaign_id", "organisation_id", "category").annotate(
        n=Count("id")
    )


def expected_people(year: int) -> dict[PersonKey, int]:
    return {tuple(row[:5]): row[5] for row in _kept(year)}


def stored_money(year: int | None = None) -> dict[MoneyKey, MoneyValues]:
    qs = MoneyTally.objects.all() if year is None else MoneyTally.objects.filter(year=year)
    rows = qs.values_list(*_attnames(MoneyTally))
    return {tuple(r[:7]): tuple(r[7:]) for r in rows if any(r[7:])}


def stored_people(year: int) -> dict[PersonKey, int]:
    rows = PersonTally.objects.filter(year=year).exclude(kept_n=0)
    return {
        (y, person, campaign, organisation, category): n
        for y, person, campaign, organisation, category, n in rows.values_list(
            "year", "person_id", "campaign_id", "organisation_id", "category", "kept_n"
        )
    }


def tally_years() -> list[int]:
    """Every year a payment or a tally row has figures for."""
    years = set(MoneyTally.objects.values_list("year", flat=True).distinct())
    years |= set(PersonTally.objects.values_list("year", flat=True).distinct())
    for moment in ("paid_at", "reversed_at"):
        years |= set(
            Payment.objects.filter(**{f"{moment}__isnull": False})
            .annotate(y=ExtractYear(moment))
            .values_list("y", flat=True)
            .distinct()
        )
    years |= set(Payment.objects.values_list("year", flat=True).distinct())
    return sorted(years | {SUMMARY_YEAR})


def differences(year: int) -> list[str]:
    """The keys where the stored tallies of `year` differ from the payments, named (year 0:
    the campaigns' summary rows, which have no people tally)."""
    found = []
    pairs: list[tuple[str, dict[Any, Any], dict[Any, Any]]] = [
        ("money", dict(expected_money(year)), dict(stored_money(year))),
    ]
    if year != SUMMARY_YEAR:
        pairs.append(("people", dict(expected_people(year)), dict(stored_people(year))))
    for name, expected, have in pairs:
        want = {k: v for k, v in expected.items() if v and (not isinstance(v, tuple) or any(v))}
        for k in sorted(set(want) | set(have), key=repr):
            if want.get(k) != have.get(k):
                found.append(f"{name} {k}: expected {want.get(k)}, stored {have.get(k)}")
    return found


def rebuild_tallies() -> None:
    """Empty both tables and fill them from the payments, in one transaction (the payments
    moving meanwhile wait on the tables' lock on PostgreSQL)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"LOCK TABLE {MoneyTally._meta.db_table}, {PersonTally._meta.db_table} "
                    "IN EXCLUSIVE MODE"
                )
        MoneyTally.objects.all().delete()
        PersonTally.objects.all().delete()
        money = expected_money()
        MoneyTally.objects.bulk_create(
            (
                MoneyTally(**dict(zip(_attnames(MoneyTally), (*k, *v), strict=True)))
                for k, v in money.items()
            ),
            batch_size=2000,
        )
        # In the order the page reads them (a year's rows of a campaign), so they sit together.
        _insert_select(PersonTally, _kept().order_by("y", "campaign_id", "person_id"))


def _attnames(model) -> list[str]:
    return [model._meta.get_field(n).attname for n in (*model.KEY, *model.VALUES)]


def _insert_select(model, values_list_qs) -> None:
    """INSERT INTO model's table the rows of a values_list query (its columns in KEY, VALUES
    order), in SQL: the kept payments are a row per payment, too many to carry through Python."""
    sql, params = values_list_qs.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(model._meta.get_field(a).column) for a in _attnames(model)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)  # noqa: S608


__all__ = [
    "differences",
    "move_case_tier",
    "rebuild_tallies",
    "record_moves",
    "tally_statements",
    "tally_years",
]
