from decimal import Decimal

import pytest

from accounts.roles import Role
from payments import services
from payments.exceptions import (
    AnnualCapExceeded,
    CampaignNotOpen,
    DuplicateLivePayment,
    InvalidAmount,
    InvalidTransition,
    JustificationRequired,
    NotPermitted,
    OutOfScope,
)
from payments.models import Payment, PaymentStatus
from payments.selectors import standard_amount_for
from tests.factories import make_user

from .factories import CampaignFactory, case_in
from .helpers import assert_unchanged, snapshot

pytestmark = pytest.mark.django_db


def test_draft_defaults_to_the_standard_and_copies_person_and_organisation(campaign, case, officer):
    payment = services.draft_payment(case, campaign, by=officer)
    assert payment.status == PaymentStatus.DRAFT
    assert payment.amount == Decimal("500.00") == payment.standard_amount
    assert payment.person_id == case.person_id
    assert payment.organisation_id == case.organisation_id
    assert payment.year == campaign.year
    assert payment.reference == "P2026-000001"
    assert payment.purpose == campaign.name
    record = payment.history.get()
    assert record.history_user == officer
    assert record.history_change_reason == "起草"


def test_references_are_numbered_per_year(campaign, officer, union_a):
    first = services.draft_payment(case_in(union_a, officer=officer), campaign, by=officer)
    second = services.draft_payment(case_in(union_a, officer=officer), campaign, by=officer)
    assert (first.reference, second.reference) == ("P2026-000001", "P2026-000002")


def test_standard_falls_back_to_the_category_level_less_standard(campaign, officer, union_a):
    accident = case_in(union_a, officer=officer, hardship_level="accident")
    deep = case_in(union_a, officer=officer, hardship_level="deep")
    assert standard_amount_for(campaign, accident) == Decimal("400.00")
    assert standard_amount_for(campaign, deep) == Decimal("800.00")


def test_no_standard_for_the_category_means_amount_and_justification_are_needed(
    campaign, officer, union_a
):
    frontline = case_in(union_a, officer=officer, category="frontline", hardship_level="")
    assert standard_amount_for(campaign, frontline) is None
    with pytest.raises(InvalidAmount):
        services.draft_payment(frontline, campaign, by=officer)
    with pytest.raises(JustificationRequired):
        services.draft_payment(frontline, campaign, by=officer, amount="300")
    payment = services.draft_payment(
        frontline, campaign, by=officer, amount="300", justification="一线医务人员慰问"
    )
    assert payment.standard_amount is None


def test_amount_other_than_the_standard_needs_a_justification(campaign, case, officer):
    with pytest.raises(JustificationRequired, match="请写明理由"):
        services.draft_payment(case, campaign, by=officer, amount=Decimal("650"))
    assert not Payment.objects.exists()
    payment = services.draft_payment(
        case, campaign, by=officer, amount=Decimal("650"), justification="住院费用高"
    )
    assert payment.amount == Decimal("650.00")


@pytest.mark.parametrize("amount", ["0", "-5", "abc"])
def test_bad_amounts_are_refused(campaign, case, officer, amount):
    with pytest.raises(InvalidAmount):
        services.draft_payment(case, campaign, by=officer, amount=amount, justification="x")
    assert not Payment.objects.exists()


def test_amount_above_the_annual_cap_is_refused_at_draft(campaign, case, officer):
    with pytest.raises(AnnualCapExceeded):
        services.draft_payment(case, campaign, by=officer, amount="3000.01", justification="x")


def test_finance_and_auditor_cannot_draft(campaign, case, finance, auditor):
    for user in (finance, auditor):
        with pytest.raises(NotPermitted):
            services.draft_payment(case, campaign, by=user)
    assert not Payment.objects.exists()


def test_officer_cannot_draft_for_a_case_of_another_union(campaign, case_b, officer):
    with pytest.raises(OutOfScope):
        services.draft_payment(case_b, campaign, by=officer)


def test_campaign_of_another_union_does_not_cover_the_case(case, officer, union_b, administrator):
    other = CampaignFactory(organisation=union_b, created_by=administrator)
    with pytest.raises(OutOfScope, match="范围"):
        services.draft_payment(case, other, by=officer)


def test_campaign_not_open_refuses_drafts(campaign, case, officer):
    campaign.status = "closed"
    campaign.save()
    with pytest.raises(CampaignNotOpen):
        services.draft_payment(case, campaign, by=officer)


def test_closed_case_refuses_drafts(campaign, case, officer):
    case.status = "closed"
    case.closing_reason = "resolved"
    case.save()
    with pytest.raises(InvalidTransition):
        services.draft_payment(case, campaign, by=officer)


def test_second_live_payment_for_the_same_person_and_campaign_is_refused(campaign, case, officer):
    services.draft_payment(case, campaign, by=officer)
    with pytest.raises(DuplicateLivePayment):
        services.draft_payment(case, campaign, by=officer)
    assert Payment.objects.count() == 1


def test_a_cancelled_payment_frees_the_person_for_a_new_one(campaign, case, officer):
    first = services.draft_payment(case, campaign, by=officer)
    services.cancel_payment(first, by=officer, reason="金额录错")
    second = services.draft_payment(case, campaign, by=officer)
    assert second.status == PaymentStatus.DRAFT


def test_database_refuses_a_second_live_payment_even_without_the_check(campaign, case, officer):
    from django.db import IntegrityError, transaction

    first = services.draft_payment(case, campaign, by=officer)
    clone = Payment.objects.get(pk=first.pk)
    clone.pk = None
    clone.reference = "P2026-999999"
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_submit_records_who_and_when(campaign, case, officer):
    payment = services.draft_payment(case, campaign, by=officer)
    services.submit_payment(payment, by=officer)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUBMITTED
    assert payment.submitted_by == officer and payment.submitted_at is not None
    latest = payment.history.first()
    assert latest.history_user == officer and latest.history_change_reason == "提交审批"


def test_submit_twice_is_refused_and_changes_nothing(campaign, case, officer):
    payment = services.draft_payment(case, campaign, by=officer)
    services.submit_payment(payment, by=officer)
    before = snapshot(payment)
    with pytest.raises(InvalidTransition):
        services.submit_payment(payment, by=officer)
    assert_unchanged(payment, before)


def test_submit_by_an_officer_of_another_union_is_out_of_scope(campaign, case, officer, officer_b):
    payment = services.draft_payment(case, campaign, by=officer)
    before = snapshot(payment)
    with pytest.raises(OutOfScope):
        services.submit_payment(payment, by=officer_b)
    assert_unchanged(payment, before)


def test_submit_by_finance_is_not_permitted(campaign, case, officer, finance):
    payment = services.draft_payment(case, campaign, by=officer)
    before = snapshot(payment)
    with pytest.raises(NotPermitted):
        services.submit_payment(payment, by=finance)
    assert_unchanged(payment, before)


def test_submit_checks_the_annual_cap_across_campaigns(
    federation, administrator, case, officer, finance
):
    first = CampaignFactory(organisation=federation, created_by=administrator)
    second = CampaignFactory(organisation=federation, created_by=administrator)
    p1 = services.draft_payment(case, first, by=officer, amount="2800", justification="重病")
    services.submit_payment(p1, by=officer)
    services.approve_payment(p1, by=finance)
    p2 = services.draft_payment(case, second, by=officer)
    before = snapshot(p2)
    with pytest.raises(AnnualCapExceeded, match="2800.00"):
        services.submit_payment(p2, by=officer)
    assert_unchanged(p2, before)


def test_cancel_from_draft_and_submitted_but_not_after_approval(campaign, officer, finance):
    from .factories import payment_in_state

    for state in ("draft", "submitted"):
        payment = payment_in_state(state, campaign=campaign, officer=officer, finance=finance)
        services.cancel_payment(payment, by=officer, reason="不再需要")
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.CANCELLED
        assert payment.cancelled_by == officer
        assert payment.history.first().history_change_reason == "不再需要"
    approved = payment_in_state("approved", campaign=campaign, officer=officer, finance=finance)
    before = snapshot(approved)
    with pytest.raises(InvalidTransition):
        services.cancel_payment(approved, by=officer)
    assert_unchanged(approved, before)


def test_auditor_cannot_cancel(campaign, case, officer, federation):
    auditor = make_user(Role.AUDITOR, federation)
    payment = services.draft_payment(case, campaign, by=officer)
    with pytest.raises(NotPermitted):
        services.cancel_payment(payment, by=auditor)
