"""In headless Chromium: finance opens 台账 from the menu, picks a union and year, sees the total
and downloads the file; on a 375 px phone the page fits the screen. Screenshots are written to
`var/screenshots/` to be looked at."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.test_officer_phone import browser  # noqa: F401 - the shared fixture
from tests.payments.factories import CampaignFactory, payment_in_state

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def test_finance_downloads_the_ledger(
    browser,  # noqa: F811
    live_server,
    administrator,
    officer,
    finance,
    finance2,
    leader,
    federation,
    union_a,
):
    campaign = CampaignFactory(organisation=federation, created_by=administrator)
    for state in ("paid", "approved", "reversed"):
        payment_in_state(
            state, campaign=campaign, officer=officer, finance=finance, leader=leader,
            finance2=finance2,
        )  # fmt: skip
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1366, 900), (375, 740)):
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="zh-CN", accept_downloads=True
        )
        page = context.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)  # noqa: B023
        page.goto(f"{live_server.url}/")
        page.fill("#id_username", finance.username)
        page.fill("#id_password", "pw-Relief-2026")
        page.click(".card button[type=submit]")
        page.wait_for_load_state()
        page.goto(f"{live_server.url}/payments/ledger/")
        page.select_option("#ledger-organisation", str(union_a.pk))
        page.select_option("#ledger-year", str(campaign.year))
        page.click("form.filters button[type=submit]")
        page.wait_for_load_state()
        assert "¥1,000.00" in page.content()  # paid + approved; the reversed one is out
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SHOTS / f"ledger-{width}.png"), full_page=True)
        with page.expect_download() as download:
            page.click("a[href*='ledger/download.xlsx']")
        assert download.value.suggested_filename.endswith("2026年台账.xlsx")
        assert not errors, errors
        context.close()
