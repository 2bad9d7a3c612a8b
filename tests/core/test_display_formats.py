"""One date style, one date-time style and one money style, in both languages (issue 15 item 14)."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from core.templatetags.formats import day, day_time, money
from tests.factories import CaseFactory, PersonFactory, VisitFactory
from tests.payments.factories import CampaignFactory, payment_in_state


def test_money_is_yuan_with_thousands_and_two_decimals():
    assert money(Decimal("1200")) == "¥1,200.00"
    assert money(Decimal("2100.5")) == "¥2,100.50"
    assert money(0) == "¥0.00"
    assert money("1234567.891") == "¥1,234,567.89"
    assert money(None) == "" and money("") == ""
    assert money("n/a") == "n/a"


def test_dates_and_moments_are_iso_in_the_site_time_zone():
    assert day(datetime.date(2024, 8, 20)) == "2024-08-20"
    moment = datetime.datetime(2026, 12, 2, 12, 55, tzinfo=datetime.UTC)
    assert day_time(moment) == "2026-12-02 20:55"  # Asia/Shanghai
    assert day(moment) == "2026-12-02"
    assert day(None) == "" and day_time(None) == ""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_filters_are_builtins_and_bare_dates_follow_the_house_style(language):
    template = Template("{{ d }}|{{ d|date }}|{{ m }}|{{ d|day }}|{{ m|day_time }}|{{ a|money }}")
    moment = timezone.make_aware(datetime.datetime(2026, 12, 2, 20, 55))
    with translation.override(language):
        html = template.render(
            Context({"d": datetime.date(2024, 8, 20), "m": moment, "a": Decimal("1200")})
        )
    assert html == ("2024-08-20|2024-08-20|2026-12-02 20:55|2024-08-20|2026-12-02 20:55|¥1,200.00")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_payment_and_visit_pages_use_one_style(
    client, language, federation, union_a, officer, finance, administrator
):
    settings_cookie = settings.LANGUAGE_COOKIE_NAME
    client.cookies[settings_cookie] = language
    campaign = CampaignFactory(organisation=federation, created_by=administrator)
    person = PersonFactory(organisation=union_a, household_monthly_income=Decimal("3600"))
    case = CaseFactory(person=person, organisation=union_a, opened_by=officer)
    payment = payment_in_state(
        "approved",
        campaign=campaign,
        officer=officer,
        finance=finance,
        case=case,
        amount=Decimal("500.00"),
    )
    visit = VisitFactory(
        case=case,
        recorded_by=officer,
        visit_date=datetime.date(2026, 5, 12),
        money_handed_over=Decimal("2100"),
    )
    client.force_login(finance)
    body = client.get(payment.get_absolute_url()).content.decode()
    assert "¥500.00" in body
    submitted = timezone.localtime(payment.submitted_at).strftime("%Y-%m-%d %H:%M")
    assert submitted in body
    client.force_login(officer)
    body = client.get(visit.get_absolute_url()).content.decode()
    assert "2026-05-12" in body and "¥2,100.00" in body
    assert "2026年5月12日" not in body and "05/12/2026" not in body and "May 12" not in body
    body = client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert "¥3,600.00" in body and "¥1,200.00" in body  # income and per capita (3 people)
