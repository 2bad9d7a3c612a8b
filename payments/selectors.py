"""Every read of campaigns, payments and batches starts here, so the scope cannot be forgotten.

Payments carry their organisation (copied from the case), so the scope is one indexed
`organisation_id IN (…)` filter, resolved as in `cases.selectors`.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.models import Case
from cases.selectors import (
    ancestor_ids,
    run_within_or_above_scope,
    run_within_scope,
    scoped_by_organisation,
)

from .models import (
    BatchLine,
    BatchLineResult,
    Campaign,
    CampaignStandard,
    CampaignStatus,
    DisbursementBatch,
    Payment,
    PaymentMethod,
    PaymentStatus,
)

ZERO = Decimal("0.00")

# Money promised by an approval and not (yet) paid: counts against budget and cap.
COMMITTED_UNPAID = (
    PaymentStatus.APPROVED,
    PaymentStatus.SECOND_APPROVED,
    PaymentStatus.IN_BATCH,
    PaymentStatus.FAILED,
)
COMMITTED = (*COMMITTED_UNPAID, PaymentStatus.PAID)


def fully_approved_q(prefix: str = "") -> Q:
    """Payments whose every required approval is given (and later states): a first-approved
    payment above its campaign's threshold still waits for the leader, so it is not."""
    return Q(
        **{
            f"{prefix}status__in": (
                PaymentStatus.SECOND_APPROVED,
                PaymentStatus.IN_BATCH,
                PaymentStatus.PAID,
            )
        }
    ) | Q(
        **{
            f"{prefix}status": PaymentStatus.APPROVED,
            f"{prefix}amount__lte": F(f"{prefix}campaign__second_approval_threshold"),
        }
    )


def payments_visible_to(user) -> QuerySet[Payment]:
    return scoped_by_organisation(Payment.objects.all(), user)


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """Campaigns run within the user's subtree, and the city-wide ones above that cover it."""
    return run_within_or_above_scope(Campaign.objects.select_related("organisation"), user)


def campaigns_managed_by(user) -> QuerySet[Campaign]:
    """Campaigns run by the user's organisation or one below it (not the city-wide ones above)."""
    return run_within_scope(Campaign.objects.select_related("organisation"), user)


def batches_visible_to(user) -> QuerySet[DisbursementBatch]:
    qs = DisbursementBatch.objects.select_related("campaign", "organisation", "created_by")
    return scoped_by_organisation(qs, user)


def campaigns_for_case(case: Case) -> QuerySet[Campaign]:
    """Open campaigns whose organisation is the case's organisation or one above it."""
    return Campaign.objects.filter(
        status=CampaignStatus.OPEN,
        organisation_id__in=ancestor_ids(case.organisation.path),
    ).order_by("-year", "name")


def campaign_covers(campaign: Campaign, case: Case) -> bool:
    return case.organisation.path.startswith(campaign.organisation.path)


def standard_amount_for(campaign: Campaign, case: Case) -> Decimal | None:
    """The standard for the case's category and level, else the category's level-less one."""
    levels = [case.hardship_level, ""] if case.hardship_level else [""]
    standards = {
        level: amount
        for level, amount in CampaignStandard.objects.filter(
            campaign=campaign, category=case.category, hardship_level__in=levels
        ).values_list("hardship_level", "amount")
    }
    for level in levels:
        if level in standards:
            return standards[level]
    return None


def _cents(value) -> Decimal:
    """SQLite hands sums back without their scale; money always has two places."""
    return Decimal(value).quantize(Decimal("0.01"))


def _money_sum(condition: Q) -> Coalesce:
    return Coalesce(
        Sum("amount", filter=condition),
        Value(ZERO),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def budget_annotations(prefix: str = "payments__") -> dict:
    def q(*statuses) -> Q:
        return Q(**{f"{prefix}status__in": statuses})

    amount = f"{prefix}amount"

    def total(*statuses):
        return Coalesce(
            Sum(amount, filter=q(*statuses)),
            Value(ZERO),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        )

    return {
        "submitted_total": total(PaymentStatus.SUBMITTED),
        "approved_total": total(*COMMITTED_UNPAID),
        "paid_total": total(PaymentStatus.PAID),
    }


@dataclass(frozen=True)
class Budget:
    budget: Decimal
    submitted: Decimal
    approved: Decimal
    paid: Decimal

    @property
    def committed(self) -> Decimal:
        return self.approved + self.paid

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.committed


def campaign_budget(campaign: Campaign) -> Budget:
    """Budget, submitted (awaiting approval), approved-not-yet-paid, paid, remaining: one query."""
    totals = Payment.objects.filter(campaign=campaign).aggregate(
        submitted=_money_sum(Q(status=PaymentStatus.SUBMITTED)),
        approved=_money_sum(Q(status__in=COMMITTED_UNPAID)),
        paid=_money_sum(Q(status=PaymentStatus.PAID)),
    )
    return Budget(
        campaign.budget,
        _cents(totals["submitted"]),
        _cents(totals["approved"]),
        _cents(totals["paid"]),
    )


def person_year_total(person_id: int, year: int, *, exclude_pk: int | None = None) -> Decimal:
    """What a person has been granted in a calendar year, across every campaign."""
    qs = Payment.objects.filter(person_id=person_id, year=year, status__in=COMMITTED)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return _cents(qs.aggregate(total=_money_sum(Q()))["total"])


def campaign_list_for(user) -> QuerySet[Campaign]:
    from django.db.models import F

    return (
        campaigns_visible_to(user)
        .annotate(**budget_annotations(), payment_count=Count("payments"))
        .annotate(remaining=F("budget") - F("approved_total") - F("paid_total"))
    )


def _with_list_relations(qs: QuerySet[Payment]) -> QuerySet[Payment]:
    return qs.select_related(
        "person", "organisation", "campaign", "submitted_by", "approved_by", "case"
    )


def approval_queue_for(
    user,
    *,
    campaign_id: int | None = None,
    organisation_id: int | None = None,
    amount_min: Decimal | None = None,
    amount_max: Decimal | None = None,
    min_age_days: int | None = None,
) -> QuerySet[Payment]:
    """Submitted payments awaiting a first approval, oldest first."""
    qs = payments_visible_to(user).filter(status=PaymentStatus.SUBMITTED)
    if campaign_id:
        qs = qs.filter(campaign_id=campaign_id)
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    if amount_min is not None:
        qs = qs.filter(amount__gte=amount_min)
    if amount_max is not None:
        qs = qs.filter(amount__lte=amount_max)
    if min_age_days:
        qs = qs.filter(submitted_at__lte=timezone.now() - datetime.timedelta(days=min_age_days))
    return _with_list_relations(qs).order_by("submitted_at", "id")


def second_approval_queue_for(user) -> QuerySet[Payment]:
    """First-approved payments above their campaign's threshold, awaiting the leader."""
    from django.db.models import F

    return (
        _with_list_relations(payments_visible_to(user))
        .filter(status=PaymentStatus.APPROVED, amount__gt=F("campaign__second_approval_threshold"))
        .order_by("approved_at", "id")
    )


def batchable_payments(user, campaign: Campaign) -> QuerySet[Payment]:
    """Bank-transfer payments of one campaign ready for a batch (failed ones come back here)."""
    from django.db.models import F

    ready = (
        Q(status=PaymentStatus.APPROVED, amount__lte=F("campaign__second_approval_threshold"))
        | Q(status=PaymentStatus.SECOND_APPROVED)
        | Q(status=PaymentStatus.FAILED)
    )
    return (
        payments_visible_to(user)
        .filter(ready, campaign=campaign, method=PaymentMethod.BANK)
        .select_related("person", "organisation")
        .order_by("organisation__tree_order", "id")
    )


def batch_lines(batch: DisbursementBatch) -> QuerySet[BatchLine]:
    return batch.lines.select_related("payment", "payment__person", "payment__organisation")


MY_PAYMENT_STATES = {
    "rejected": (PaymentStatus.REJECTED,),
    "in_review": (PaymentStatus.SUBMITTED,),
    "draft": (PaymentStatus.DRAFT,),
}


def my_payments(user) -> QuerySet[Payment]:
    """Payments the user drafted or submitted, in scope: the officer's own follow-up list."""
    return payments_visible_to(user).filter(Q(created_by=user) | Q(submitted_by=user))


def my_payment_counts(user) -> dict[str, int]:
    """How many of the user's payments are rejected, waiting for approval and still drafts —
    one query, for the dashboard."""
    return my_payments(user).aggregate(
        **{
            key: Count("id", filter=Q(status__in=states))
            for key, states in MY_PAYMENT_STATES.items()
        }
    )


REPEATED_FAILURES = 2


def failed_line_counts(payment_ids) -> dict[int, int]:
    """How many bank lines failed for each payment: one query for a batch-building page."""
    return dict(
        BatchLine.objects.filter(payment_id__in=list(payment_ids), result=BatchLineResult.FAILED)
        .order_by()
        .values_list("payment_id")
        .annotate(n=Count("id"))
        .values_list("payment_id", "n")
    )
