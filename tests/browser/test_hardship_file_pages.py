"""The hardship file's pages in headless Chromium at phone and desktop width: the case page with
the suggestion's inputs, the exit and its follow-ups; the payment page with the household's
remaining allowance."""

import datetime
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from cases.services import add_household_member, add_rigid_expense, exit_file
from payments import services as payments
from payments.models import AssistanceStandard
from tests.cases.factories import person_in, poverty_line
from tests.factories import CaseFactory, make_id_number
from tests.payments.factories import CampaignFactory

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not shutil.which("chromium"),
        reason="Chromium is not installed",
    ),
]

WIDTHS = (375, 1366)


@pytest.mark.django_db(transaction=True)
def test_the_file_and_the_allowance_read_well_on_a_phone_and_a_desktop(
    live_server, officer, finance, union_a, federation, administrator, tmp_path
):
    from playwright.sync_api import sync_playwright

    poverty_line(amount="1000.00")
    person = person_in(
        union_a, name="郑秀英", household_size=2, household_monthly_income=Decimal("2600.00")
    )
    file = CaseFactory(person=person, opened_by=officer, causes=["illness"])
    add_household_member(
        file,
        by=officer,
        relation="child",
        name="郑小明",
        id_number=make_id_number(datetime.date(2011, 3, 3), "M", sequence=61),
        status="student",
        school_or_employer="市实验小学",
    )
    add_rigid_expense(file, by=officer, kind="medical", monthly_amount=Decimal("700.00"))
    AssistanceStandard.objects.create(
        hardship_level="relative", item="living", basis="line_months", value=Decimal("2")
    )
    campaign = CampaignFactory(organisation=federation, created_by=administrator)
    payment = payments.draft_payment(
        file,
        campaign,
        by=officer,
        amount=Decimal("800.00"),
        justification="生活救助",
        assistance_item="living",
    )
    payments.submit_payment(payment, by=officer)
    exited = CaseFactory(person=person_in(union_a, name="钱立新"), opened_by=officer)
    exit_file(exited, by=officer, exit_=True, reason="employed", note="配偶在社区就业")
    out = Path(os.environ.get("HARDSHIP_SCREENS", tmp_path))
    base = live_server.url

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu"],
        )
        for width in WIDTHS:
            for user, path, name in (
                (officer, file.get_absolute_url(), "file"),
                (officer, exited.get_absolute_url(), "exited"),
                (finance, payment.get_absolute_url(), "payment"),
            ):
                context = browser.new_context(viewport={"width": width, "height": 900})
                page = context.new_page()
                page.goto(f"{base}/accounts/login/")
                page.fill("input[name=username]", user.username)
                page.fill("input[name=password]", "pw-Relief-2026")
                page.press("input[name=password]", "Enter")
                page.wait_for_load_state()
                page.goto(f"{base}{path}")
                text = page.inner_text("main") if page.locator("main").count() else page.content()
                if name == "file":
                    assert "扣除刚性支出后人均" in text and "相对困难线" in text
                    assert "打印档案表" in text and "脱困 / 退档" in text
                elif name == "exited":
                    assert "脱困后 6 个月" in text and "待回访" in text
                    assert "记录脱困回访" in text and "返困（重新开启）" in text
                else:
                    assert "家庭年度剩余额度" in text and "¥4,000.00" in text
                # Nothing wider than the screen.
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 1, (name, width, overflow)
                page.screenshot(path=str(out / f"{name}-{width}.png"), full_page=True)
                context.close()
        browser.close()
