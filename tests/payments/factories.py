"""Payments factories: campaigns with standards, and payments walked to a state by the services."""

import datetime
from decimal import Decimal

import factory

from payments import services
from payments.models import Campaign, CampaignStandard, CampaignStatus, PaymentMethod
from tests.factories import CaseFactory, PersonFactory, UserFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"2026年春节送温暖{n}")
    year = 2026
    kind = "warmth"
    starts_on = datetime.date(2026, 1, 1)
    ends_on = datetime.date(2026, 12, 31)
    budget = Decimal("10000.00")
    funding_source = "federation"
    annual_cap = Decimal("3000.00")
    second_approval_threshold = Decimal("1000.00")
    status = CampaignStatus.OPEN
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def standards(self, create, extracted, **kwargs):
        """Default standards: hardship 500 (relative), 800 (deep), 400 (any level)."""
        if not create:
            return
        wanted = (
            extracted
            if extracted is not None
            else [
                ("hardship", "relative", Decimal("500.00")),
                ("hardship", "deep", Decimal("800.00")),
                ("hardship", "", Decimal("400.00")),
            ]
        )
        for category, level, amount in wanted:
            CampaignStandard.objects.create(
                campaign=self, category=category, hardship_level=level, amount=amount
            )


def case_in(organisation, *, officer, **kwargs):
    person = PersonFactory(organisation=organisation)
    return CaseFactory(person=person, organisation=organisation, opened_by=officer, **kwargs)


STATES = (
    "draft",
    "submitted",
    "approved",
    "second_approved",
    "in_batch",
    "paid",
    "failed",
    "rejected",
    "cancelled",
    "reversed",
)


def payment_in_state(
    state: str,
    *,
    campaign,
    officer,
    finance,
    leader=None,
    finance2=None,
    case=None,
    amount=None,
    method=PaymentMethod.BANK,
    justification="",
    item="",
):
    """A payment walked to `state` through the services, so its history is the real one."""
    if case is None:
        case = case_in(officer.organisation, officer=officer)
    if amount is not None and not justification:
        justification = "按实际困难程度调整"
    payment = services.draft_payment(
        case,
        campaign,
        by=officer,
        amount=amount,
        method=method,
        justification=justification,
        assistance_item=item,
    )
    if state == "draft":
        return payment
    if state == "cancelled":
        return services.cancel_payment(payment, by=officer, reason="重复录入")
    services.submit_payment(payment, by=officer)
    if state == "submitted":
        return payment
    if state == "rejected":
        return services.reject_payment(payment, by=finance, reason="材料不全")
    services.approve_payment(payment, by=finance)
    if state == "approved":
        return payment
    if payment.amount > campaign.second_approval_threshold:
        services.approve_payment(payment, by=leader)
    if state == "second_approved":
        return payment
    batch = services.create_batch(campaign, [payment.pk], by=finance)
    payment.refresh_from_db()
    if state == "in_batch":
        return payment
    services.mark_batch_sent(batch, by=finance)
    if state == "failed":
        return services.mark_failed(payment, by=finance, reason="账号不存在")
    services.mark_paid(payment, by=finance, bank_serial="SN0001")
    if state == "paid":
        return payment
    if state == "reversed":
        return services.reverse_payment(payment, by=finance2 or leader, reason="重复发放，已退回")
    raise ValueError(state)
