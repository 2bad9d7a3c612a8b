"""Reads for letters, each applying the user's organisation scope (see cases.selectors)."""

from django.db.models import Q, QuerySet

from cases.models import Case
from cases.selectors import cases_visible_to, scope_path
from payments.models import (
    BatchLine,
    BatchLineResult,
    Campaign,
    DisbursementBatch,
    Payment,
    PaymentMethod,
    PaymentStatus,
)

from .models import PrintedPayment, PrintRecord

# Money that has been approved (and possibly paid): a letter may say it is on its way.
PRINTABLE_STATUSES = (
    PaymentStatus.APPROVED,
    PaymentStatus.SECOND_APPROVED,
    PaymentStatus.IN_BATCH,
    PaymentStatus.PAID,
)
# The stable order of a campaign's letters and sheets: organisation (tree order), then name.
LETTER_ORDER = ("organisation__path", "person__name", "id")


def _ancestor_paths(path: str) -> list[str]:
    """ "/1/7/" → ["/1/", "/1/7/"]: the organisation and those above it."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def payments_visible_to(user) -> QuerySet[Payment]:
    prefix = scope_path(user)
    if prefix is None:
        return Payment.objects.none()
    qs = Payment.objects.all()
    return qs if prefix == "" else qs.filter(organisation__path__startswith=prefix)


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """Campaigns run in the user's scope, and city-wide ones run above it that cover it."""
    prefix = scope_path(user)
    if prefix is None:
        return Campaign.objects.none()
    qs = Campaign.objects.select_related("organisation")
    if prefix == "":
        return qs
    return qs.filter(
        Q(organisation__path__startswith=prefix) | Q(organisation__path__in=_ancestor_paths(prefix))
    )


def batches_visible_to(user) -> QuerySet[DisbursementBatch]:
    prefix = scope_path(user)
    if prefix is None:
        return DisbursementBatch.objects.none()
    qs = DisbursementBatch.objects.select_related("campaign__organisation", "organisation")
    return qs if prefix == "" else qs.filter(organisation__path__startswith=prefix)


def letter_cases_visible_to(user) -> QuerySet[Case]:
    return cases_visible_to(user).select_related("person__organisation", "organisation")


def with_letter_relations(qs: QuerySet[Payment]) -> QuerySet[Payment]:
    """Everything a letter or a sheet line shows, in one query."""
    return qs.select_related(
        "person", "organisation", "campaign__organisation", "campaign__letter_template"
    )


def printable_payments_of_campaign(user, campaign: Campaign) -> QuerySet[Payment]:
    qs = payments_visible_to(user).filter(campaign=campaign, status__in=PRINTABLE_STATUSES)
    return with_letter_relations(qs).order_by(*LETTER_ORDER)


def cash_payments_of_campaign(user, campaign: Campaign) -> QuerySet[Payment]:
    return printable_payments_of_campaign(user, campaign).filter(method=PaymentMethod.CASH)


def payments_of_batch(user, batch: DisbursementBatch) -> QuerySet[Payment]:
    """The batch's payments, except those the bank returned as failed."""
    lines = BatchLine.objects.filter(batch=batch).exclude(result=BatchLineResult.FAILED)
    qs = payments_visible_to(user).filter(
        pk__in=lines.values("payment_id"), status__in=PRINTABLE_STATUSES
    )
    return with_letter_relations(qs).order_by(*LETTER_ORDER)


def latest_printable_payment_of_case(user, case: Case) -> Payment | None:
    qs = payments_visible_to(user).filter(case=case, status__in=PRINTABLE_STATUSES)
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
