"""In headless Chromium: each role lands on its own work, and an officer on a phone records a visit
for a known person in five taps from landing (issue 15 item 17; README tour)."""

import shutil
from pathlib import Path

import pytest

from cases.models import Visit
from tests.factories import CaseFactory, PersonFactory

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not shutil.which("chromium"),
        reason="Chromium is not installed",
    ),
]


def _sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-Relief-2026")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page.url.removeprefix(base)


@pytest.mark.django_db(transaction=True)
def test_roles_land_on_their_work_and_a_visit_takes_five_taps(
    live_server, union_a, officer, finance, leader, auditor, tmp_path
):
    from playwright.sync_api import sync_playwright

    person = PersonFactory(organisation=union_a, name="郑秀英")
    case = CaseFactory(person=person, organisation=union_a, opened_by=officer)
    base = live_server.url
    landed = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for user in (finance, leader, auditor):
            page = browser.new_context(viewport={"width": 1366, "height": 800}).new_page()
            landed[user.username] = _sign_in(page, base, user.username)
            page.close()

        page = browser.new_context(
            viewport={"width": 375, "height": 740}, locale="zh-CN", has_touch=True
        ).new_page()
        landed[officer.username] = _sign_in(page, base, officer.username)
        page.screenshot(path=tmp_path / "officer-landing-375.png", full_page=True)
        taps = 0
        page.fill("input[name=q]", "郑秀英")
        page.get_by_role("button", name="查找").click()
        taps += 1
        page.get_by_role("link", name="郑秀英").first.click()
        taps += 1
        page.get_by_role("link", name="困难职工帮扶").first.click()
        taps += 1
        page.get_by_role("link", name="记录走访").first.click()
        taps += 1
        page.fill("textarea[name=findings]", "家中老人患病。")
        page.get_by_role("button", name="保存走访记录").click()
        taps += 1
        page.wait_for_selector("text=走访记录已保存。")
        browser.close()

    assert landed == {
        "finance": "/payments/approvals/",
        "leader": "/payments/approvals/second/",
        "auditor": "/audit/",
        "officer_a": "/workspace/",
    }
    assert taps <= 6
    assert Visit.objects.filter(case=case).count() == 1
