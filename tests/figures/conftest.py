"""A year of money and files across two unions, walked through the services."""

import datetime

import pytest
from django.utils import timezone

from payments import services
from tests.payments.factories import CampaignFactory, case_in, payment_in_state


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def campaign(federation, administrator):
    return CampaignFactory(organisation=federation, created_by=administrator, budget="100000.00")


@pytest.fixture
def walk(campaign, officer, officer_b, finance, finance2, leader, monkeypatch):
    """`walk("paid", union="b", paid_on=date)`: a payment walked through the services with the
    clock set to `paid_on` (and to `reversed_on` for its reversal), so its history is real."""

    def make(state, *, union="a", paid_on=None, reversed_on=None, **kwargs):
        who = officer if union == "a" else officer_b
        walked = "paid" if state == "reversed" else state
        with monkeypatch.context() as clock:
            if paid_on:
                clock.setattr(timezone, "now", lambda: at(paid_on))
            payment = payment_in_state(
                walked,
                campaign=kwargs.pop("campaign", campaign),
                officer=who,
                finance=finance,
                leader=leader,
                finance2=finance2,
                case=kwargs.pop("case", None) or case_in(who.organisation, officer=who, **kwargs),
            )
        if state == "reversed":
            with monkeypatch.context() as clock:
                if reversed_on:
                    clock.setattr(timezone, "now", lambda: at(reversed_on))
                payment = services.reverse_payment(payment, by=finance2, reason="重复发放，已退回")
        return payment

    return make


@pytest.fixture
def renders(monkeypatch):
    """The return sheets WeasyPrint renders (behind the stored PDFs), in order."""
    from figures.returns import pdf_cache

    sheets = []
    real = pdf_cache.render_return_pdf

    def counted(sheet):
        sheets.append(sheet)
        return real(sheet)

    monkeypatch.setattr(pdf_cache, "render_return_pdf", counted)
    return sheets
