"""In headless Chromium: the leader opens 统计, the four ECharts charts draw beside their tables
on a phone and on a desktop, and a figure clicked opens the list that adds up to it.

The screenshots are written to `RELIEF_SCREENSHOTS` (default: the test's tmp dir) to be looked at.
"""

import datetime
import os
from pathlib import Path

import pytest

from tests.browser.test_officer_phone import browser  # noqa: F401 - the shared fixture
from tests.figures.conftest import campaign, walk  # noqa: F401 - payments walked in time

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = ("chart-union", "chart-sector", "chart-months", "chart-tiers")


def _drawn_pixels(page, chart_id: str) -> int:
    """How many pixels of the chart's canvas are not blank: a drawn chart has thousands."""
    return page.evaluate(
        """id => {
            const canvas = document.querySelector('#' + id + ' canvas');
            if (!canvas) return 0;
            const context = canvas.getContext('2d');
            const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
            let inked = 0;
            for (let i = 0; i < data.length; i += 4) { if (data[i + 3] && data[i] < 200) inked++; }
            return inked;
        }""",
        chart_id,
    )


@pytest.mark.parametrize("width", [375, 1366])
def test_the_charts_render_and_a_figure_opens_its_list(
    browser,  # noqa: F811
    live_server,
    leader,
    walk,  # noqa: F811
    tmp_path,
    width,
):
    walk("paid", paid_on=datetime.date(2026, 2, 3), hardship_level="deep")
    walk("paid", union="b", paid_on=datetime.date(2026, 4, 3))
    walk("reversed", paid_on=datetime.date(2026, 5, 3), reversed_on=datetime.date(2026, 6, 1))
    folder = Path(os.environ.get("RELIEF_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)

    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/statistics/?year=2026")
    page.fill("#id_username", leader.username)
    page.fill("#id_password", "pw-Relief-2026")
    page.click(".card button[type=submit]")
    page.wait_for_url(f"{live_server.url}/statistics/?year=2026")
    for chart in CHARTS:
        page.wait_for_selector(f"#{chart}[data-rendered] canvas", state="attached")
        assert _drawn_pixels(page, chart) > 500, chart
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(folder / f"statistics-{width}.png"), full_page=True)

    net = page.locator(".grid .card .stat a").nth(1)
    assert net.inner_text() == "¥1,300.00"
    net.click()
    page.wait_for_url("**/statistics/payments/**")
    assert page.locator("#list-total").inner_text() == "2 · ¥1,300.00"
    assert not errors, errors
    context.close()
