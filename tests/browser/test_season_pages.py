"""In headless Chromium: the person form reads gender and birth date from the ID number as it is
typed (issue 15 item 11), and the dashboard shows occasions planned vs done with overdue in red
(issue 17 item 3). Screenshots go to var/screenshots/ for a person to look at."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.roles import Role
from cases.models import OccasionDay, PlannedVisit
from tests.factories import PersonFactory, make_user
from tests.idnumbers import make_id_number

from .test_officer_phone import browser  # noqa: F401  (the Chromium fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WOMAN_ID = make_id_number(datetime.date(1988, 5, 12), "F", area="410105", sequence=3)


def _sign_in(chromium, live_server, width):
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "season_officer")
    page.fill("#id_password", "pw-Relief-2026")
    page.click(".card button[type=submit]")
    page.wait_for_load_state()
    return page


@pytest.mark.parametrize("width", [375, 1366])
def test_typing_an_id_number_fills_gender_and_shows_the_birth_date(
    browser,  # noqa: F811
    live_server,
    union_a,
    width,
):
    make_user(Role.CASE_OFFICER, union_a, username="season_officer")
    page = _sign_in(browser, live_server, width)
    page.goto(f"{live_server.url}/people/new/")
    assert page.locator("#id_gender").input_value() == ""

    page.fill("#id_id_number", WOMAN_ID)

    assert page.locator("#id_gender").input_value() == "F"
    derived = page.locator("output[data-derived-from-id]").inner_text()
    assert "出生日期 1988-05-12" in derived and "女" in derived
    page.select_option("#id_gender", "M")
    assert "不一致" in page.locator("output[data-derived-from-id]").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"person_form_{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [375, 1366])
def test_the_dashboard_shows_occasions_planned_and_overdue_in_red(
    browser,  # noqa: F811
    live_server,
    union_a,
    width,
):
    make_user(Role.CASE_OFFICER, union_a, username="season_officer")
    today = timezone.localdate()
    past = OccasionDay.objects.create(code="past_day", name="上周的节日", concerns=["disabled"])
    coming = OccasionDay.objects.create(code="next_day", name="下周的节日", concerns=["disabled"])
    for n in range(3):
        person = PersonFactory(organisation=union_a, name=f"残疾职工{n}", is_disabled=True)
        for occasion, days in ((past, -5), (coming, 6)):
            due = today + datetime.timedelta(days=days)
            PlannedVisit.objects.create(
                occasion=occasion,
                due_on=due,
                starts_on=due - datetime.timedelta(days=14),
                person=person,
                organisation=union_a,
            )
    page = _sign_in(browser, live_server, width)
    page.goto(f"{live_server.url}/workspace/")

    overdue = page.locator("#occasions tr.overdue")
    assert overdue.count() == 1 and "上周的节日" in overdue.inner_text()
    colour = overdue.locator("strong").evaluate("e => getComputedStyle(e).color")
    assert colour not in ("rgb(0, 0, 0)", "")
    page.locator("#occasions").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"dashboard_occasions_{width}.png"), full_page=True)
