"""The reads behind the 台账 and the 发放花名册: one query each, whatever the number of rows.

Which payments appear is decided here, once, so the files and the payments list agree:

- the roster (花名册) lists money owed or handed over: fully approved payments and every later
  state except a reversal (approved within the threshold, second-approved, in a batch, paid,
  failed and waiting for the next batch). A reversed payment was taken back, so it is left out,
  as its 已冲销 status leaves it out of the campaign's paid total;
- the ledger (台账) is the book of the year: the same payments plus the reversed ones, each
  reversal written as a second, negative line on the day it was made, so the ledger's total is
  what the payments list shows as approved or paid, to the fen.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.models import CaseCategory, HardshipLevel, Organisation
from cases.selectors import organisations_visible_to

from ..models import (
    BatchLine,
    BatchLineResult,
    DisbursementBatch,
    FundingSource,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from ..selectors import fully_approved_q, payments_visible_to

# A query reads this many rows at a time, so a file of any length keeps memory flat.
CHUNK = 2_000


def roster_q() -> Q:
    """Payments a roster lists: fully approved or later, or failed (owed again); not reversed."""
    return fully_approved_q() | Q(status=PaymentStatus.FAILED)


def ledger_q() -> Q:
    """Payments the ledger lists: the roster's, and reversed ones (with their reversal line)."""
    return roster_q() | Q(status=PaymentStatus.REVERSED)


def ledger_unions(user) -> QuerySet[Organisation]:
    """The organisations a ledger can be drawn up for: the user's own and everything below."""
    return organisations_visible_to(user).order_by("tree_order")


def _category(category: str, level: str) -> str:
    label = str(CaseCategory(category).label) if category in CaseCategory.values else category
    if level in HardshipLevel.values:
        return f"{label}（{HardshipLevel(level).label}）"
    return label


def _user_name(display_name: str | None, username: str | None) -> str:
    return display_name or username or ""


def _day(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(value).date() if value else None


def _status_note(status: str) -> str:
    """Paid lines need no note; any other state is named (已审批, 发放中, 已冲销…)."""
    return "" if status == PaymentStatus.PAID else str(PaymentStatus(status).label)


@dataclass(frozen=True)
class LedgerLine:
    day: datetime.date | None
    voucher: str
    campaign: str
    name: str
    category: str
    method: str
    amount: Decimal
    funding_source: str
    handler: str
    approvers: str
    note: str


LEDGER_FIELDS = (
    "reference",
    "status",
    "amount",
    "method",
    "approved_at",
    "second_approved_at",
    "paid_at",
    "reversed_at",
    "reversal_reason",
    "campaign__name",
    "campaign__funding_source",
    "person__name",
    "case__category",
    "case__hardship_level",
    "created_by__display_name",
    "created_by__username",
    "submitted_by__display_name",
    "submitted_by__username",
    "approved_by__display_name",
    "approved_by__username",
    "second_approved_by__display_name",
    "second_approved_by__username",
)


def ledger_payments(user, organisation: Organisation, year: int) -> QuerySet[Payment]:
    """The payments of `organisation`'s subtree counted in `year`, within the user's scope."""
    return (
        payments_visible_to(user)
        .filter(ledger_q(), organisation__path__startswith=organisation.path, year=year)
        .order_by()
    )


def ledger_lines(user, organisation: Organisation, year: int) -> list[LedgerLine]:
    """Every line of the ledger, by date then voucher number: one query."""
    methods = dict(PaymentMethod.choices)
    sources = dict(FundingSource.choices)
    lines: list[LedgerLine] = []
    rows = ledger_payments(user, organisation, year).values(*LEDGER_FIELDS)
    for row in rows.iterator(chunk_size=CHUNK):
        approvers = [
            _user_name(row["approved_by__display_name"], row["approved_by__username"]),
            _user_name(
                row["second_approved_by__display_name"], row["second_approved_by__username"]
            ),
        ]
        line = LedgerLine(
            day=_day(row["paid_at"] or row["second_approved_at"] or row["approved_at"]),
            voucher=row["reference"],
            campaign=row["campaign__name"],
            name=row["person__name"],
            category=_category(row["case__category"], row["case__hardship_level"]),
            method=str(methods.get(row["method"], row["method"])),
            amount=row["amount"],
            funding_source=str(
                sources.get(row["campaign__funding_source"], row["campaign__funding_source"])
            ),
            handler=_user_name(row["submitted_by__display_name"], row["submitted_by__username"])
            or _user_name(row["created_by__display_name"], row["created_by__username"]),
            approvers="、".join(name for name in approvers if name),
            note=_status_note(row["status"]),
        )
        lines.append(line)
        if row["status"] == PaymentStatus.REVERSED:
            lines.append(
                LedgerLine(
                    **{
                        **line.__dict__,
                        "day": _day(row["reversed_at"]),
                        "amount": -row["amount"],
                        "note": f"冲销：{row['reversal_reason']}",
                    }
                )
            )
    lines.sort(key=lambda line: (line.day or datetime.date.min, line.voucher, line.amount < 0))
    return lines


@dataclass(frozen=True)
class RosterLine:
    organisation_id: int
    organisation: str
    name: str
    id_number: str  # the full number; the files mask it
    category: str
    amount: Decimal
    reference: str


@dataclass
class RosterGroup:
    """One union's lines and subtotal."""

    organisation: str
    lines: list[RosterLine]

    @property
    def subtotal(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))


ROSTER_FIELDS = (
    "organisation_id",
    "organisation__name",
    "person__name",
    "person__id_number",
    "case__category",
    "case__hardship_level",
    "amount",
    "reference",
)


def campaign_roster_payments(user, campaign, organisation: Organisation | None = None):
    qs = payments_visible_to(user).filter(roster_q(), campaign=campaign)
    if organisation is not None:
        qs = qs.filter(organisation__path__startswith=organisation.path)
    return qs


def batch_roster_payments(user, batch: DisbursementBatch):
    """The batch's payments that were not sent back by the bank or reversed."""
    lines = BatchLine.objects.filter(batch=batch).exclude(result=BatchLineResult.FAILED)
    return payments_visible_to(user).filter(roster_q(), pk__in=lines.values("payment_id"))


def roster_groups(payments: QuerySet[Payment]) -> list[RosterGroup]:
    """The roster's lines grouped by union (in tree order), names in order within: one query."""
    groups: list[RosterGroup] = []
    rows: Iterator[dict] = (
        payments.order_by("organisation__tree_order", "person__name", "id")
        .values(*ROSTER_FIELDS)
        .iterator(chunk_size=CHUNK)
    )
    for row in rows:
        line = RosterLine(
            organisation_id=row["organisation_id"],
            organisation=row["organisation__name"],
            name=row["person__name"],
            id_number=row["person__id_number"],
            category=_category(row["case__category"], row["case__hardship_level"]),
            amount=row["amount"],
            reference=row["reference"],
        )
        if not groups or groups[-1].lines[0].organisation_id != line.organisation_id:
            groups.append(RosterGroup(line.organisation, []))
        groups[-1].lines.append(line)
    return groups
