"""In headless Chromium at phone width: find a person, open a case, record a visit with a photo
taken on the phone, verify the case and find it on the dashboard."""

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from cases.models import Attachment, Case, CaseStatus
from tests.cases.factories import jpeg_bytes, person_in, poverty_line

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not shutil.which("chromium"),
        reason="Chromium is not installed",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_an_officer_on_a_phone_opens_visits_and_verifies_a_case(
    live_server, officer, union_a, settings, tmp_path
):
    from playwright.sync_api import sync_playwright

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }
    poverty_line(amount="1000.00")
    person = person_in(
        union_a, name="郑秀英", household_size=2, household_monthly_income=Decimal("1500.00")
    )
    tail = person.id_number[-4:]
    base = live_server.url

    # The ORM is not touched while Playwright's event loop runs.
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
        page = browser.new_context(
            viewport={"width": 375, "height": 740}, locale="zh-CN", has_touch=True
        ).new_page()
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", officer.username)
        page.fill("input[name=password]", "pw-Relief-2026")
        page.press("input[name=password]", "Enter")
        page.wait_for_url(f"{base}/workspace/")  # the officer lands on the dashboard

        # Find the person by the tail of the ID number and open a case.
        page.goto(f"{base}/cases/new/?q={tail}")
        page.get_by_role("link", name="为其立案").click()
        assert "深度困难" in page.inner_text(".card")  # 750 per head, below the line
        page.select_option("select[name=category]", "hardship")
        page.check("input[name=causes][value=illness]")
        page.fill("textarea[name=summary]", "本人患病住院")
        page.get_by_role("button", name="立案").click()
        page.wait_for_selector("text=个案已立案。")

        # Record a visit: the date is already today; attach a photo as if from the camera.
        page.get_by_role("link", name="记录走访").click()
        file_input = page.locator("input[type=file]")
        assert file_input.get_attribute("capture") == "environment"
        assert page.input_value("input[name=visit_date]") == f"{timezone.localdate():%Y-%m-%d}"
        page.fill("textarea[name=findings]", "住院治疗中，家属陪护。")
        file_input.set_input_files(
            [{"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
        )
        page.get_by_role("button", name="保存走访记录").click()
        page.wait_for_selector("text=走访记录已保存。")
        assert page.locator(".thumbs img").count() == 1

        # Verify the case and find it on the dashboard.
        page.get_by_role("link", name="返回个案").click()
        page.get_by_role("button", name="核实个案").click()
        page.wait_for_selector("text=个案已核实。")
        page.goto(f"{base}/workspace/")
        dashboard = page.inner_text("main")
        width = page.evaluate("document.documentElement.scrollWidth")
        browser.close()

    assert "郑秀英" in dashboard
    assert width <= 375, "nothing sticks out of a phone screen"
    case = Case.objects.get(person=person)
    assert case.status == CaseStatus.VERIFIED and case.hardship_level == "deep"
    assert Attachment.objects.get(visit__case=case).thumbnail
