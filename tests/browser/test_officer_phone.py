"""End to end in headless Chromium: the officer signs in on a phone and opens the people list."""

import shutil
from pathlib import Path

import pytest

from accounts.roles import Role
from tests.factories import PersonFactory, make_user

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(live_server, transactional_db, monkeypatch):
    """Started after the database and live server, closed before them."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(
            f"{CHROMIUM} is not installed: run `make browser` (as root) or `.ci/run`, "
            "which install Debian's chromium"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls in tests are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def test_officer_signs_in_on_a_phone_and_opens_the_people_list(
    browser, live_server, union_a, union_b
):
    make_user(Role.CASE_OFFICER, union_a, username="phone_officer")
    mine = PersonFactory(name="王小明", organisation=union_a)
    PersonFactory(name="赵强", organisation=union_b)

    context = browser.new_context(
        viewport={"width": 375, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{live_server.url}/people/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "phone_officer")
    page.fill("#id_password", "pw-Relief-2026")
    page.click("form .card button[type=submit], .card button[type=submit]")
    page.wait_for_url(f"{live_server.url}/people/")

    assert page.locator("h1").inner_text() == "职工名册"
    row = page.locator("table.list tbody tr")
    assert row.count() == 1
    assert "王小明" in row.inner_text()
    assert mine.masked_id_number in row.inner_text()
    assert "赵强" not in page.content()
    # The phone layout: table rows become cards, nothing wider than the screen.
    assert page.locator("table.list thead").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.fill("input[name=q]", "王小")
    page.click("form[role=search] .searchrow button")
    page.wait_for_url("**/people/?q=*")
    page.click("text=王小明")
    page.wait_for_url(f"{live_server.url}{mine.get_absolute_url()}")
    assert mine.masked_id_number in page.content()
    assert not errors, errors
    context.close()
