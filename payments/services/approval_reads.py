"""The reads of one payment's approval: two statements built once per process.

1. `lock_for_approval`: the campaign, the payment and its person locked in that order — the
   order of every approval, single or bulk (`bulk_approval._lock`), so they never deadlock —
   with the payment's organisation, in one joined SELECT … FOR UPDATE OF. PostgreSQL locks a
   joined row's tables in the order of the OF list.
2. `PaymentTotals`: everything the checks compare against, read after the locks (so with a
   snapshot that sees whatever committed before them): the campaign's committed money (its
   summary tally row, `MoneyTally.summaries`: one row whatever the campaign's size; the
   campaign's lock, held, is the one every transition that moves it takes first), the
   person-year's committed money, the hardship file's state, the case's category and tier (for
   the tallies), whether the item has a household standard and which allocation covers the
   payment.

The rules these figures feed stay in `approval.APPROVAL_CHECKS`; the statements reuse the
selectors' definitions (`COMMITTED`, `current_files`, an allocation covering its union's
subtree). Compiling them with the ORM on every approval was most of an approval's CPU.
"""

import datetime
import functools
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from cases.models import Organisation, Person
from cases.selectors import current_files
from core.prepared import ModelColumns, PreparedQuery, prepared_cursor

from ..models import Allocation, AssistanceStandard, Campaign, MoneyTally, Payment, from_fen
from ..selectors import COMMITTED, ZERO, _cents
from ..selectors_allocations import allocation_committed
from .approval_totals import ApprovalTotals
from .hardship_files import FileState
from .household_caps import Allowance, household_allowance

MARKER = -7_340_033  # stands for the payment id while the statements are compiled


class _LockStatement:
    """SELECT campaign, payment, person, organisation … FOR UPDATE OF campaign, payment, person."""

    def __init__(self) -> None:
        quote = connection.ops.quote_name
        self.parts = [
            ModelColumns(Campaign, "c"),
            ModelColumns(Payment, "p"),
            ModelColumns(Person, "pe"),
            ModelColumns(Organisation, "o"),
        ]

        def table(model) -> str:
            return quote(model._meta.db_table)

        def column(model, name: str) -> str:
            return quote(str(model._meta.get_field(name).column))

        def pk(model) -> str:
            return quote(str(model._meta.pk.column))

        lock = ""
        if connection.features.has_select_for_update:
            lock = " FOR UPDATE"
            if connection.features.has_select_for_update_of:
                lock += " OF c, p, pe"
        self.sql = (
            f"SELECT {', '.join(part.select for part in self.parts)} "  # noqa: S608 — our names
            f"FROM {table(Payment)} p "
            f"JOIN {table(Campaign)} c ON c.{pk(Campaign)} = "
            f"p.{column(Payment, 'campaign')} "
            f"JOIN {table(Person)} pe ON pe.{pk(Person)} = "
            f"p.{column(Payment, 'person')} "
            f"JOIN {table(Organisation)} o ON o.{pk(Organisation)} = "
            f"p.{column(Payment, 'organisation')} "
            f"WHERE p.{pk(Payment)} = %s{lock}"
        )


@functools.cache
def _lock_statement() -> _LockStatement:
    return _LockStatement()


def lock_for_approval(payment_id: int) -> tuple[Campaign, Payment]:
    """The payment's campaign, the payment and its person, locked in that order, with the
    payment's organisation (not locked) for the scope check and the audit trail."""
    statement = _lock_statement()
    with prepared_cursor() as cursor:
        cursor.execute(statement.sql, [payment_id])
        row = cursor.fetchone()
    if row is None:
        raise Payment.DoesNotExist("Payment matching query does not exist.")
    campaign_part, payment_part, person_part, organisation_part = statement.parts
    campaign = campaign_part.instance(row)
    start = campaign_part.width
    payment = payment_part.instance(row, start)
    start += payment_part.width
    payment.person = person_part.instance(row, start)
    payment.organisation = organisation_part.instance(row, start + person_part.width)
    payment.campaign = campaign
    return campaign, payment


def _money(queryset) -> Coalesce:
    """The sum of `amount` over `queryset` (already filtered to one group) as a subquery."""
    total = queryset.order_by().annotate(total=Sum("amount")).values("total")
    return Coalesce(
        Subquery(total), Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2)
    )


def _facts_queryset(on_date: datetime.date):
    committed = Payment.objects.filter(status__in=COMMITTED).exclude(pk=OuterRef("pk"))
    allocations = Allocation.objects.filter(campaign_id=OuterRef("campaign_id")).order_by()
    # The allocation whose union's path prefixes the payment's organisation's path.
    outer_path = ExpressionWrapper(OuterRef("organisation__path"), output_field=CharField())
    covering = allocations.annotate(outer_path=outer_path).filter(
        outer_path__startswith=F("organisation__path")
    )
    return (
        Payment.objects.filter(pk=MARKER)
        .order_by()
        .annotate(
            campaign_committed_fen=Coalesce(
                Subquery(
                    MoneyTally.summaries()
                    .filter(campaign_id=OuterRef("campaign_id"))
                    .annotate(committed=F("paid_fen") + F("pending_fen"))
                    .values("committed")
                ),
                Value(0),
                output_field=IntegerField(),
            ),
            person_year=_money(
                committed.filter(person_id=OuterRef("person_id"), year=OuterRef("year")).values(
                    "person_id"
                )
            ),
            file_current=Exists(
                current_files(on_date).filter(person_id=OuterRef("case__person_id"))
            ),
            item_has_standard=Exists(
                AssistanceStandard.objects.filter(item=OuterRef("assistance_item"))
            ),
            any_allocation=Exists(allocations),
            # Looked for only when the campaign has allocations at all (PostgreSQL runs a CASE
            # branch's subquery only when it is taken): the search matches every organisation's
            # path against the payment's, a scan of the organisations table, for nothing in a
            # campaign without allocations.
            allocation=Case(When(Exists(allocations), then=Subquery(covering.values("pk")[:1]))),
        )
        .values_list(
            "campaign_committed_fen",
            "person_year",
            "case__category",
            "case__file_stage",
            "case__reviewed_for_year",
            "case__hardship_level",
            "file_current",
            "item_has_standard",
            "any_allocation",
            "allocation",
        )
    )


@functools.lru_cache(maxsize=4)
def _facts_statement(on_date: datetime.date) -> PreparedQuery:
    """Compiled once per day (the file rule compares with the date)."""
    return PreparedQuery(_facts_queryset(on_date), [MARKER])


class PaymentTotals(ApprovalTotals):
    """The figures of one payment's approval, read in one statement under its locks."""

    def __init__(self, payment: Payment, on_date: datetime.date) -> None:
        (
            campaign_committed_fen,
            person_year,
            category,
            stage,
            reviewed,
            tier,
            current,
            has_standard,
            any_allocation,
            allocation_id,
        ) = _facts_statement(on_date).rows(payment.pk)[0]
        campaign_committed = from_fen(campaign_committed_fen)
        if payment.status in COMMITTED:  # the payment decided is left out, as from every sum
            campaign_committed -= payment.amount
        self._campaign = _cents(campaign_committed)
        self._person_year = _cents(person_year)
        self._file_state = FileState(category, stage, reviewed, bool(current), bool(has_standard))
        self.case_tally_facts = {payment.case_id: (category, tier)}
        self._any_allocation = bool(any_allocation)
        self._allocation_id = allocation_id
        self._allocation: Allocation | None = None

    def campaign_committed(self, payment: Payment) -> Decimal:
        return self._campaign

    def person_year(self, payment: Payment) -> Decimal:
        return self._person_year

    def allocation_for(self, payment: Payment) -> tuple[Allocation | None, bool]:
        """The covering allocation is read (one query) only when there is one."""
        if self._allocation_id is not None and self._allocation is None:
            self._allocation = Allocation.objects.select_related("organisation").get(
                pk=self._allocation_id
            )
        return self._allocation, self._any_allocation

    def allocation_committed(self, allocation: Allocation) -> tuple[Decimal, int]:
        return allocation_committed(allocation)

    def file_state(self, payment: Payment, on_date: datetime.date) -> FileState:
        return self._file_state

    def household(self, payment: Payment, on_date: datetime.date) -> Allowance | None:
        """The household's allowance, its file row locked; no query when the item has no
        household standard."""
        if not self._file_state.item_has_standard:
            return None
        return household_allowance(
            payment.person,
            payment.assistance_item,
            payment.year,
            on_date=on_date,
            exclude_pk=payment.pk,
            lock=True,
        )


__all__ = ["PaymentTotals", "lock_for_approval"]
