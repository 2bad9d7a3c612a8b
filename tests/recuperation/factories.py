"""Recuperation test data, built through the services so history reads as real work did."""

import datetime
from decimal import Decimal

from django.utils import timezone

from recuperation import services
from tests.factories import PersonFactory

TODAY = timezone.localdate()


def medical_person(organisation, **kwargs):
    kwargs.setdefault("is_frontline_medical", True)
    return PersonFactory(organisation=organisation, **kwargs)


def make_programme(manager, *, kind="medical", year=None, budget="100000.00", window=3):
    return services.create_programme(
        by=manager,
        name=f"{year or TODAY.year}年医护人员疗休养",
        year=year or TODAY.year,
        kind=kind,
        funding_source="federation",
        budget=Decimal(budget),
        repeat_window_years=window,
    )


def make_session(manager, programme, *, start_in=30, days=6, capacity=3, cost="2800.00", **kw):
    starts = TODAY + datetime.timedelta(days=start_in)
    return services.add_session(
        programme,
        by=manager,
        destination=kw.get("destination", "杭州·千岛湖"),
        provider=kw.get("provider", "省总工会千岛湖疗休养院"),
        starts_on=starts,
        ends_on=starts + datetime.timedelta(days=days),
        capacity=capacity,
        cost_per_person=Decimal(cost),
        registration_deadline=kw.get("deadline", starts - datetime.timedelta(days=10)),
    )
