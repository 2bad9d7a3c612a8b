"""A pool of payments that between them meet every approval rule, for the bulk-approval tests.

Each key names a payment and what makes it interesting; `actors` are the users who try to
approve them (each refused by at least one rule for some payments).
"""

from dataclasses import dataclass
from decimal import Decimal

from accounts.roles import Role
from cases.models import FileStage
from payments import services
from payments.models import Campaign, CampaignStatus, Payment
from tests.factories import UserFactory, make_user

from .factories import CampaignFactory, case_in, payment_in_state


@dataclass
class Pool:
    payments: dict[str, Payment]
    actors: dict[str, object]
    campaigns: dict[str, Campaign]


def _submitted(campaign, case, officer, amount=None):
    payment = services.draft_payment(
        case,
        campaign,
        by=officer,
        amount=amount,
        justification="按实际困难调整" if amount is not None else "",
    )
    return services.submit_payment(payment, by=officer)


def build_pool(*, federation, union_a, union_b, officer, officer_b, finance, leader, admin):
    """Campaigns: `main` (budget and cap bite), `allocated` (union A: 1,000 yuan and 2 places,
    union B nothing), `closed`, and `second` (first-approved payments awaiting the leader)."""
    main = CampaignFactory(
        organisation=federation, created_by=admin, budget=Decimal("2000.00"),
        annual_cap=Decimal("1500.00"),
    )  # fmt: skip
    allocated = CampaignFactory(
        organisation=federation, created_by=admin, annual_cap=Decimal("1000.00")
    )
    closed = CampaignFactory(organisation=federation, created_by=admin)
    second = CampaignFactory(organisation=federation, created_by=admin, budget=Decimal("1e5"))
    services.allocate_campaign(allocated, union_a, by=admin, amount="1000", places=2)
    dual = UserFactory(roles=[Role.CASE_OFFICER, Role.FINANCE], organisation=union_a)
    shared_case = case_in(union_a, officer=officer)
    p = {
        "a500": _submitted(main, case_in(union_a, officer=officer), officer),
        "a800_shared": _submitted(main, shared_case, officer, Decimal("800.00")),
        "b1200_over_threshold": _submitted(
            main, case_in(union_b, officer=officer_b), officer_b, Decimal("1200.00")
        ),
        "b500": _submitted(main, case_in(union_b, officer=officer_b), officer_b),
        "alloc_a500_shared": _submitted(allocated, shared_case, officer),
        "alloc_a500": _submitted(allocated, case_in(union_a, officer=officer), officer),
        "alloc_a400": _submitted(
            allocated, case_in(union_a, officer=officer), officer, Decimal("400.00")
        ),
        "alloc_b500_unallocated": _submitted(
            allocated, case_in(union_b, officer=officer_b), officer_b
        ),
        "closed_a500": _submitted(closed, case_in(union_a, officer=officer), officer),
        "draft": payment_in_state("draft", campaign=main, officer=officer, finance=finance),
        "no_file": _submitted(
            main,
            case_in(union_a, officer=officer, file_stage=FileStage.APPLIED, reviewed_for_year=None),
            officer,
        ),
        "own": _submitted(main, case_in(union_a, officer=dual), dual),
    }
    for key, amount, approver in (
        ("first_by_finance", "1500.00", finance),
        ("first_by_leader", "1200.00", leader),
    ):
        payment = _submitted(second, case_in(union_a, officer=officer), officer, Decimal(amount))
        p[key] = services.approve_payment(payment, by=approver)
    closed.status = CampaignStatus.CLOSED
    services.save_campaign(closed, by=admin, reason="活动结束")
    actors = {
        "finance": finance,
        "finance_a": make_user(Role.FINANCE, union_a, username="finance_a"),
        "leader": leader,
        "officer": officer,
        "dual": dual,
    }
    campaigns = {"main": main, "allocated": allocated, "closed": closed, "second": second}
    return Pool(payments=p, actors=actors, campaigns=campaigns)
