"""In headless Chromium: a refused visit form opens with an error summary and keeps the photo,
so the officer fixes the one field and saves without choosing the photo again (issue 15 item 4)."""

from decimal import Decimal

import pytest

from cases.models import Attachment, Visit
from tests.browser.chrome import launch, needs_chromium, shot, signed_in_page
from tests.cases.factories import hardship_case, jpeg_bytes, person_in

pytestmark = needs_chromium


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [375, 1366])
def test_a_refused_visit_keeps_its_photo_and_says_what_to_fix(
    live_server, officer, union_a, settings, tmp_path, width
):
    from playwright.sync_api import sync_playwright

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files", "base_url": None},
        },
    }
    person = person_in(union_a, name="郑秀英", household_monthly_income=Decimal("1500.00"))
    case = hardship_case(person, officer)
    photo = tmp_path / "门口.jpg"
    photo.write_bytes(jpeg_bytes())

    with sync_playwright() as p:
        browser = launch(p)
        page = signed_in_page(browser, live_server.url, officer.username, width)
        page.goto(f"{live_server.url}/cases/{case.pk}/visits/new/")
        page.set_input_files("input[name=attachments]", str(photo))
        page.locator("textarea[name=findings]").evaluate("el => el.removeAttribute('required')")
        page.get_by_role("button", name="保存走访记录").click()

        summary = page.locator("[data-error-summary]")
        summary.wait_for()
        text = summary.inner_text()
        box = summary.bounding_box()
        form_top = page.locator("form.card").bounding_box()["y"]
        shot(page, tmp_path, f"visit-refused-{width}")
        held = page.locator("[data-held-files]").inner_text()

        page.fill("textarea[name=findings]", "老人住院，需要护工。")
        page.get_by_role("button", name="保存走访记录").click()
        page.wait_for_selector("text=走访记录已保存。")
        shot(page, tmp_path, f"visit-saved-with-kept-photo-{width}")
        browser.close()

    assert "提交未成功，尚未保存任何内容" in text and "了解到的情况" in text
    assert "已保留您选择的 1 个文件" in text
    assert box["y"] <= form_top + 20, "the summary opens the form"
    assert "门口.jpg" in held
    assert Visit.objects.filter(case=case).count() == 1
    assert Attachment.objects.get(visit__case=case).original_name == "门口.jpg"
