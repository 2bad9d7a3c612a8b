"""Approving many payments in one step: the approval queue's bulk action, the admin action and
the API's bulk path.

The rules are those of `approval.APPROVAL_CHECKS`, run on every payment in the order asked, as
`approve_payment` would run them called once per payment in that order; only the reading and
writing are set-based, so 500 approvals cost a few dozen statements instead of 500 transactions:

- one transaction; the campaigns locked once, then the payments, then their people, each in id
  order (the order of `approve_payment`'s locks, so bulk and single approvals never deadlock);
- the committed sums (campaigns, person-years, allocations) and the hardship files read with one
  aggregate query each, then kept up to date in memory as payments are granted (`BulkTotals`);
- the granted payments written with one set-based UPDATE and one `INSERT … SELECT` of their
  history rows per approval level (`approval_writes`, as a single approval writes), indexed by
  the audit trail in the same transaction and sealed by the worker after the commit.

A refusal never stops the others: each payment gets an `ApprovalOutcome`, refused ones with the
rule's exception (its message names the reason).
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Person
from cases.selectors import scope_path
from core.access import AccessAction, log_access
from core.errors import RuleViolation

from .. import notices
from ..exceptions import FourEyesViolation, InvalidTransition
from ..models import Allocation, Campaign, Payment
from ..selectors_approval import (
    allocations_with_committed,
    committed_by_campaign,
    committed_by_person_year,
    covering_allocation,
)
from .approval import (
    Approval,
    approval_reason,
    grant_approval,
    require_some_approval_permission,
    run_approval_checks,
)
from .approval_totals import ApprovalTotals
from .approval_writes import Granted, write_approvals
from .common import copy_fields
from .hardship_files import FileState, file_states
from .household_caps import (
    Allowance,
    household_allowances,
    items_with_standards,
    lock_household_files,
)
from .tallies import PaymentFacts, facts_of, record_moves

ZERO = Decimal("0.00")


@dataclass
class ApprovalOutcome:
    """What became of one payment of a bulk approval: granted, or refused with the reason."""

    payment: Payment
    error: RuleViolation | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class BulkTotals(ApprovalTotals):
    """The sums of `ApprovalTotals` for a whole set of payments, read once and then moved in
    memory by each approval granted (`granted`), so a later payment of the set sees the money
    and places the earlier ones took. A new money rule that reads a sum must add it here too:
    the database does not see this set's approvals until they are written at the end."""

    def __init__(self, payments: list[Payment], campaign_ids: list[int]) -> None:
        self._campaigns = committed_by_campaign(campaign_ids)
        self._people = committed_by_person_year(
            {p.person_id for p in payments}, {p.year for p in payments}
        )
        self._allocations_of, self._allocation_sums = allocations_with_committed(campaign_ids)
        today = timezone.localdate()
        self._files = file_states([p.case_id for p in payments], today)
        standard_items = items_with_standards()
        capped = [p for p in payments if p.assistance_item in standard_items]
        lock_household_files(capped)
        # Read under the file locks, once for the set.
        self._allowances = household_allowances(capped, today)
        # Household caps: what this set granted per (file, item, year), and each payment's key.
        self._household_granted: dict[tuple[int, str, int], Decimal] = {}
        self._household_keys: dict[int, tuple[int, str, int]] = {}

    def campaign_committed(self, payment: Payment) -> Decimal:
        return self._campaigns.get(payment.campaign_id, ZERO)

    def person_year(self, payment: Payment) -> Decimal:
        return self._people.get((payment.person_id, payment.year), ZERO)

    def allocation_for(self, payment: Payment) -> tuple[Allocation | None, bool]:
        allocations = self._allocations_of.get(payment.campaign_id, [])
        return covering_allocation(allocations, payment.organisation.path), bool(allocations)

    def allocation_committed(self, allocation: Allocation) -> tuple[Decimal, int]:
        return self._allocation_sums[allocation.pk]

    def file_state(self, payment: Payment, on_date) -> FileState:
        return self._files[payment.case_id]

    def household(self, payment: Payment, on_date) -> Allowance | None:
        """As read for the whole set (`household_allowances`), plus what this set has granted
        the same household so far."""
        allowance = self._allowances.get(payment.pk)
        if allowance is None:
            return None
        key = (allowance.file.pk, allowance.item, allowance.year)
        self._household_keys[payment.pk] = key
        extra = self._household_granted.get(key, ZERO)
        return replace(allowance, used=allowance.used + extra) if extra else allowance

    def granted(self, a: Approval) -> None:
        """A first approval commits its money: to the campaign, the person-year, the union."""
        if a.second:
            return
        p = a.payment
        self._campaigns[p.campaign_id] = self.campaign_committed(p) + p.amount
        self._people[(p.person_id, p.year)] = self.person_year(p) + p.amount
        allocation, _any = self.allocation_for(p)
        if allocation is not None:
            money, places = self._allocation_sums[allocation.pk]
            self._allocation_sums[allocation.pk] = (money + p.amount, places + 1)
        key = self._household_keys.get(p.pk)
        if key is not None:
            self._household_granted[key] = self._household_granted.get(key, ZERO) + p.amount


def _lock(payments: list[Payment]) -> tuple[dict[int, Campaign], dict[int, Payment]]:
    """Campaigns, then payments, then people, each locked in id order in one statement."""
    campaigns = {
        c.pk: c
        for c in Campaign.objects.select_for_update()
        .filter(pk__in={p.campaign_id for p in payments})
        .order_by("pk")
    }
    locked = {
        p.pk: p
        for p in Payment.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(pk__in={p.pk for p in payments})
        .order_by("pk")
    }
    people = {
        person.pk: person
        for person in Person.objects.select_for_update()
        .filter(pk__in={p.person_id for p in locked.values()})
        .order_by("pk")
    }
    for p in locked.values():
        p.person = people[p.person_id]
    return campaigns, locked


def approve_payments(payments: Iterable[Payment], *, by) -> list[ApprovalOutcome]:
    """Approve each payment (first approval, or the leader's second one) as `approve_payment`
    would one after the other, in one transaction; one outcome per payment, in order."""
    asked = list(payments)
    try:
        require_some_approval_permission(by)
    except RuleViolation as exc:
        return [ApprovalOutcome(p, exc) for p in asked]
    outcomes: list[ApprovalOutcome] = []
    granted: list[Granted] = []
    moves: list[tuple[PaymentFacts, PaymentFacts]] = []
    now = timezone.now()  # one moment for the whole call, so the UPDATE sets one value
    with transaction.atomic():
        campaigns, locked = _lock(asked)
        totals = BulkTotals(list(locked.values()), list(campaigns))
        prefix = scope_path(by)
        for payment in asked:
            p = locked.get(payment.pk)
            if p is None:
                outcomes.append(ApprovalOutcome(payment, InvalidTransition(_("未找到该慰问金。"))))
                continue
            a = Approval(payment=p, campaign=campaigns[p.campaign_id], by=by, scope_prefix=prefix)
            try:
                run_approval_checks(a, totals)
            except RuleViolation as exc:
                outcomes.append(ApprovalOutcome(payment, exc))
                continue
            needs_second = not a.second and p.amount > a.campaign.second_approval_threshold
            totals.granted(a)
            reason = approval_reason(a)  # before the state moves
            before = facts_of(p)
            granted.append((p, grant_approval(a, now), reason))
            moves.append((before, facts_of(p)))
            outcomes.append(ApprovalOutcome(payment, None))
            if needs_second:
                transaction.on_commit(partial(notices.second_approval_needed, p, by=by))
        write_approvals(granted, by=by, now=now)
        record_moves(moves)
    changed = {p.pk: fields for p, fields, _reason in granted}
    for outcome in outcomes:
        if outcome.ok:
            pk = outcome.payment.pk
            copy_fields(outcome.payment, locked[pk], changed[pk])
        elif isinstance(outcome.error, FourEyesViolation):
            _log_four_eyes(outcome.payment, outcome.error, by)
    return outcomes


def _log_four_eyes(payment: Payment, exc: FourEyesViolation, by) -> None:
    """As `approve_payment` does for a refused four-eyes attempt (`logs_four_eyes_refusals`)."""
    log_access(
        user=by,
        action=AccessAction.FOUR_EYES,
        obj=payment,
        detail={"step": "approve_payment", "reference": payment.reference, "reason": exc.message},
    )


__all__ = ["ApprovalOutcome", "approve_payments"]
