"""In headless Chromium on a phone: the officer nominates a nurse for a recuperation session by
ID number, and the page fits the screen."""

import pytest

from recuperation.models import Nomination
from tests.browser.test_officer_phone import browser  # noqa: F401 - the shared fixture
from tests.recuperation.factories import make_programme, make_session, medical_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_nominates_on_a_phone(browser, live_server, administrator, officer, union_a):  # noqa: F811
    from recuperation import services

    programme = make_programme(administrator)
    session = make_session(administrator, programme, capacity=3)
    services.set_quota(programme, union_a, 2, by=administrator)
    nurse = medical_person(union_a, name="林护士")

    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    page.fill("#id_username", officer.username)
    page.fill("#id_password", "pw-Relief-2026")
    page.click(".card button[type=submit]")
    page.wait_for_url(f"{live_server.url}{session.get_absolute_url()}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.fill("#id_id_number", nurse.id_number)
    page.fill("#id_emergency_contact", "林先生 13900001111")
    page.click("form[action$='/nominate/'] button[type=submit]")
    nomination = Nomination.objects.get(person=nurse)
    page.wait_for_url(f"{live_server.url}{nomination.get_absolute_url()}")
    assert "林护士" in page.locator("h1").inner_text()
    assert "已推荐" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert not errors, errors
    context.close()
