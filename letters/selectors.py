"""Reads for letters, each applying the user's organisation scope (see cases.selectors)."""

from django.db.models import QuerySet

from cases.models import Case
from cases.selectors import cases_visible_to, scope_path
from payments.models import (
    BatchLine,
    BatchLineResult,
    Campaign,
    DisbursementBatch,
    Payment,
    PaymentMethod,
)

# Letters read payments through the payments app's own scoped selectors.
from payments.selectors import batches_visible_to as batches_visible_to
from payments.selectors import campaigns_visible_to as campaigns_visible_to
from payments.selectors import fully_approved_q
from payments.selectors import payments_visible_to as payments_visible_to

from .models import PrintedPayment, PrintRecord

# Money that has every approval it needs (and possibly paid): a letter may say it is on its way.
# A first-approved payment above the campaign's threshold still waits for the leader.
PRINTABLE = fully_approved_q()
# The stable order of a campaign's letters and sheets: organisation (tree order), then name.
LETTER_ORDER = ("organisation__tree_order", "person__name", "id")


def letter_cases_visible_to(user) -> QuerySet[Case]:
    return cases_visible_to(user).select_related("person__organisation", "organisation")


def with_letter_relations(qs: QuerySet[Payment]) -> QuerySet[Payment]:
    """Everything a letter or a sheet line shows, in one query."""
    return qs.select_related(
        "person",
        "case",
        "organisation",
        "campaign__organisation",
        "campaign__letter_template",
    )


def printable_payments_of_campaign(user, campaign: Campaign) -> QuerySet[Payment]:
    qs = payments_visible_to(user).filter(PRINTABLE, campaign=campaign)
    return with_letter_relations(qs).order_by(*LETTER_ORDER)


def cash_payments_of_campaign(user, campaign: Campaign) -> QuerySet[Payment]:
    return printable_payments_of_campaign(user, campaign).filter(method=PaymentMethod.CASH)


def payments_of_batch(user, batch: DisbursementBatch) -> QuerySet[Payment]:
    """The batch's payments, except those the bank returned as failed."""
    lines = BatchLine.objects.filter(batch=batch).exclude(result=BatchLineResult.FAILED)
    qs = payments_visible_to(user).filter(PRINTABLE, pk__in=lines.values("payment_id"))
    return with_letter_relations(qs).order_by(*LETTER_ORDER)


def latest_printable_payment_of_case(user, case: Case) -> Payment | None:
    qs = payments_visible_to(user).filter(PRINTABLE, case=case)
    return with_letter_relations(qs).order_by("-created_at", "-id").first()


def print_records_visible_to(user) -> QuerySet[PrintRecord]:
    prefix = scope_path(user)
    if prefix is None:
        return PrintRecord.objects.none()
    qs = PrintRecord.objects.select_related(
        "printed_by", "organisation", "campaign", "batch", "case__person"
    )
    return qs if prefix == "" else qs.filter(organisation__path__startswith=prefix)


def print_history_of(payment: Payment, limit: int = 10) -> list[PrintedPayment]:
    return list(
        PrintedPayment.objects.filter(payment=payment)
        .select_related("record__printed_by")
        .order_by("-record__printed_at", "-record_id")[:limit]
    )
