"""The budget check's figure (a campaign's committed money) is read from the campaign's summary
tally row (`MoneyTally.summaries`), and an allocation's from its union subtree's rows, not summed
over the payments: each must equal that sum after every kind of transition, and the check must
still stop exactly at the budget."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from payments import services
from payments.exceptions import BudgetExceeded
from payments.models import Campaign, Payment, PaymentStatus
from payments.selectors import COMMITTED
from payments.selectors_allocations import allocation_committed
from payments.selectors_approval import allocations_with_committed, committed_by_campaign
from payments.services.approval_reads import PaymentTotals
from payments.services.tallies import differences
from tests.factories import OrganisationFactory

from .factories import CampaignFactory, case_in, payment_in_state

pytestmark = pytest.mark.django_db


def summed(campaign: Campaign, *, without: Payment | None = None) -> Decimal:
    """The sum the figure replaces: the campaign's payments in a committed state."""
    payments = Payment.objects.filter(campaign=campaign, status__in=COMMITTED)
    if without is not None:
        payments = payments.exclude(pk=without.pk)
    return payments.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def assert_figure_right(campaign: Campaign, probe: Payment) -> None:
    """Both readers (the bulk path's and the single approval's, for `probe`) give the sum."""
    assert committed_by_campaign([campaign.pk]).get(campaign.pk, Decimal("0.00")) == summed(
        campaign
    )
    probe.refresh_from_db()
    totals = PaymentTotals(probe, timezone.localdate())
    assert totals.campaign_committed(probe) == summed(campaign, without=probe)
    assert differences(0) == []


def test_the_figure_is_the_committed_sum_after_every_kind_of_transition(
    campaign, walk, finance, finance2, leader
):
    probe = walk("submitted")
    assert_figure_right(campaign, probe)
    large = campaign.second_approval_threshold + 100
    for state in (
        "approved",
        "second_approved",
        "in_batch",
        "failed",
        "paid",
        "reversed",
        "rejected",
        "cancelled",
        "draft",
    ):
        walk(state)
        assert_figure_right(campaign, probe)
    first = walk("approved", amount=large)  # awaiting the leader: committed already
    assert_figure_right(campaign, first)  # the payment decided is left out of its own figure
    services.approve_payment(first, by=leader)
    assert_figure_right(campaign, probe)
    failed = walk("failed")
    services.create_batch(campaign, [failed.pk], by=finance)  # failed → a new batch
    assert_figure_right(campaign, probe)
    rejected = walk("rejected")
    services.resubmit_payment(
        rejected, by=rejected.created_by, reason="已补材料", amount="321.00", justification="按实际"
    )
    assert_figure_right(campaign, probe)
    services.approve_payments([rejected], by=finance)  # the bulk path
    assert_figure_right(campaign, probe)
    services.approve_payment(probe, by=finance)
    assert_figure_right(campaign, walk("submitted"))


@pytest.mark.parametrize("path", ["single", "bulk"])
def test_the_budget_takes_an_approval_exactly_to_it_and_refuses_a_fen_more(
    path, federation, administrator, officer, finance, finance2, leader
):
    small = CampaignFactory(
        organisation=federation, created_by=administrator, budget=Decimal("2000.00")
    )

    def make(state, amount):
        return payment_in_state(
            state,
            campaign=small,
            officer=officer,
            finance=finance,
            finance2=finance2,
            leader=leader,
            amount=Decimal(amount),
        )

    make("paid", "400.00")
    make("failed", "300.00")
    make("reversed", "500.00")  # returned: not counted
    make("in_batch", "200.00")
    remaining = Decimal("2000.00") - summed(small)
    assert remaining == Decimal("1100.00")
    over = make("submitted", remaining - Decimal("599.99"))  # 500.01: one fen too many later
    exact = make("submitted", remaining - Decimal("500.00"))  # 600.00

    def approve(payment):
        if path == "bulk":
            (outcome,) = services.approve_payments([payment], by=finance)
            if outcome.error is not None:
                raise outcome.error
        else:
            services.approve_payment(payment, by=finance)

    approve(exact)
    exact.refresh_from_db()
    assert exact.status == PaymentStatus.APPROVED
    with pytest.raises(BudgetExceeded, match="余额不足"):
        approve(over)
    over.refresh_from_db()
    assert over.status == PaymentStatus.SUBMITTED
    assert summed(small) + Decimal("500.00") == small.budget
    assert committed_by_campaign([small.pk])[small.pk] == Decimal("1500.00")


def test_an_allocation_s_figure_is_its_subtree_s_committed_sum(
    campaign, walk, union_a, union_b, administrator, officer
):
    """The allocation check's figure comes from the per-organisation summary rows: it equals the
    committed payments of the union's subtree, on the single path and the bulk path alike."""
    ward = OrganisationFactory(code="EDU01-9", name="第一中学分部工会", parent=union_a)
    mine = services.allocate_campaign(
        campaign, union_a, by=administrator, amount="9000.00", places=20
    )
    services.allocate_campaign(campaign, union_b, by=administrator, amount="900.00", places=2)
    for state in ("approved", "paid", "failed", "reversed", "in_batch", "rejected", "submitted"):
        for union in (union_a, ward):
            walk(state, case=case_in(union, officer=officer))

    def summed_under(allocation) -> tuple[Decimal, int]:
        payments = Payment.objects.filter(
            campaign=campaign,
            status__in=COMMITTED,
            organisation__path__startswith=allocation.organisation.path,
        )
        return payments.aggregate(total=Sum("amount"))["total"], payments.count()

    assert summed_under(mine)[1] == 8
    assert allocation_committed(mine) == summed_under(mine)
    _by_campaign, sums = allocations_with_committed([campaign.pk])
    assert sums[mine.pk] == summed_under(mine)
    assert differences(0) == []
