"""Campaigns and payments made directly through the ORM (the payments services live on
another branch); statuses are set directly."""

import datetime
from decimal import Decimal

import factory

from payments.models import Campaign, Payment, PaymentMethod, PaymentStatus
from tests.factories import CaseFactory, OrganisationFactory, PersonFactory, UserFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"2020年春节送温暖{n}")
    year = 2020
    kind = "warmth"
    organisation = factory.SubFactory(OrganisationFactory)
    starts_on = datetime.date(2020, 1, 1)
    ends_on = datetime.date(2020, 12, 31)
    budget = Decimal("1000000.00")
    funding_source = "federation"
    annual_cap = Decimal("5000.00")
    second_approval_threshold = Decimal("3000.00")
    status = "open"
    created_by = factory.SubFactory(UserFactory)


class PaymentFactory(factory.django.DjangoModelFactory):
    """`PaymentFactory(organisation=union_a, campaign=c)`; approved unless told otherwise."""

    class Meta:
        model = Payment

    class Params:
        organisation = factory.SubFactory(OrganisationFactory)
        name = factory.Sequence(lambda n: f"李{n}")
        gender = "M"

    reference = factory.Sequence(lambda n: f"P2020{n:06d}")
    person = factory.LazyAttribute(
        lambda o: PersonFactory(organisation=o.organisation, name=o.name, gender=o.gender)
    )
    case = factory.LazyAttribute(lambda o: CaseFactory(person=o.person))
    campaign = factory.SubFactory(CampaignFactory)
    amount = Decimal("1200.00")
    method = PaymentMethod.BANK
    purpose = "春节慰问"
    year = 2020
    status = PaymentStatus.APPROVED
    created_by = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kwargs.setdefault("organisation", kwargs["person"].organisation)
        return super()._create(model_class, *args, **kwargs)
