"""In headless Chromium: an officer on a phone drafts and submits a payment with the standard
amount; finance at a desk ticks "select all" in the approval queue and approves in bulk."""

import shutil
from pathlib import Path

import pytest

from payments.models import Payment, PaymentStatus
from tests.payments.factories import CampaignFactory, case_in

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not shutil.which("chromium"),
        reason="Chromium is not installed",
    ),
]


def _login(browser, base, username, width):
    page = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN").new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-Relief-2026")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)  # each role lands on its work
    return page


@pytest.mark.django_db(transaction=True)
def test_officer_drafts_on_a_phone_and_finance_approves_in_bulk(
    live_server, federation, union_a, officer, finance, administrator
):
    from playwright.sync_api import sync_playwright

    campaign = CampaignFactory(organisation=federation, created_by=administrator)
    cases = [case_in(union_a, officer=officer) for _ in range(3)]
    base = live_server.url

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        phone = _login(browser, base, officer.username, 375)
        for case in cases:
            phone.goto(f"{base}/payments/new/?case={case.pk}&campaign={campaign.pk}")
            assert phone.input_value("input[name=amount]") == "500.00"
            phone.get_by_role("button", name="保存").click()
            phone.wait_for_selector("text=已提交审批")

        desk = _login(browser, base, finance.username, 1280)
        desk.goto(f"{base}/payments/approvals/")
        desk.check("input[data-check-all=payment]")
        assert desk.locator("input[name=payment]:checked").count() == 3
        assert desk.inner_text("[data-selected-count]") == "3"
        assert desk.inner_text("[data-selected-total]") == "¥1,500.00"
        dialogs = []
        desk.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
        desk.get_by_role("button", name="批量审批通过").click()
        desk.wait_for_selector("text=批量处理结果")
        assert desk.locator(".badge-ok", has_text="成功").count() == 3
        browser.close()

    assert dialogs == ["确定审批通过 3 笔、合计 ¥1,500.00？"]

    assert set(Payment.objects.values_list("status", flat=True)) == {PaymentStatus.APPROVED}
