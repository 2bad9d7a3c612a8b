"""In headless Chromium at 375 and 1366 px: what a person sees on the pages issue 15 items 9, 10,
15 and 16 are about. Screenshots go to $RELIEF_SCREENSHOTS for a person to look at."""

import pytest

from accounts.roles import Role
from cases.services import save_person
from core.access import AccessAction, log_access
from tests.browser.chrome import launch, needs_chromium, shot, signed_in_page
from tests.factories import CaseFactory, PersonFactory, make_user
from tests.letters.factories import CampaignFactory, PaymentFactory
from tests.transfers.helpers import csv_bytes, roster_row

pytestmark = [*needs_chromium, pytest.mark.django_db(transaction=True)]
WIDTHS = [375, 1366]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_roster_preview_shows_each_change_from_what_to_what(
    live_server, officer, union_a, tmp_path, width
):
    from playwright.sync_api import sync_playwright

    from cases.transfers.people import PEOPLE_OPTIONAL_COLUMNS, import_people

    header = (*roster_row(0, ""), *PEOPLE_OPTIONAL_COLUMNS)
    import_people(csv_bytes([roster_row(1, "EDU01")], header=header), filename="a", by=officer)
    changed = roster_row(1, "EDU01", 岗位="副校长", 家庭人口="4", 在职状态="退休", 劳模="是")
    roster = tmp_path / "名单.csv"
    roster.write_bytes(csv_bytes([changed, roster_row(2, "EDU01")], header=header))

    with sync_playwright() as p:
        browser = launch(p)
        page = signed_in_page(browser, live_server.url, officer.username, width)
        page.goto(f"{live_server.url}/transfers/people/import/")
        page.set_input_files("input[name=file]", str(roster))
        page.get_by_role("button", name="上传并预览").click()
        table = page.locator("[data-import-changes]")
        table.wait_for()
        text = table.inner_text()
        shot(page, tmp_path, f"roster-preview-{width}")
        browser.close()

    for fragment in ("职工1", "岗位", "教师", "副校长", "家庭人口", "在职状态", "退休", "劳模"):
        assert fragment in text


@pytest.mark.parametrize("width", WIDTHS)
def test_the_auditor_reads_names_and_finds_an_operator_by_name(
    live_server, auditor, officer, union_a, federation, tmp_path, width
):
    from playwright.sync_api import sync_playwright

    officer.display_name = "赵主席"
    officer.save(update_fields=["display_name"])
    person = PersonFactory.build(organisation=union_a, name="王秀兰")
    save_person(person, by=officer, reason="登记")
    case = CaseFactory(person=person, organisation=union_a, opened_by=officer)
    payment = PaymentFactory(
        organisation=union_a, campaign=CampaignFactory(organisation=federation), name="王秀兰"
    )
    log_access(
        user=officer,
        action=AccessAction.REVEAL,
        object_type="cases.person",
        object_id=person.pk,
        field="bank_account",
    )
    log_access(
        user=officer,
        action=AccessAction.PRINT,
        object_type="payments.payment",
        object_id=payment.pk,
    )
    assert case.pk

    with sync_playwright() as p:
        browser = launch(p)
        page = signed_in_page(browser, live_server.url, auditor.username, width)
        page.goto(f"{live_server.url}/audit/?user=赵")
        changes = page.locator("table.changelog").inner_text()
        shot(page, tmp_path, f"auditor-changelog-by-name-{width}")
        page.goto(f"{live_server.url}/audit/access/")
        access = page.locator("table.list").inner_text()
        shot(page, tmp_path, f"auditor-access-log-{width}")
        browser.close()

    assert "赵主席" in changes and "王秀兰" in changes and "officer_a" not in changes
    assert "王秀兰" in access and "银行账号" in access and payment.reference in access
    for database_term in ("bank_account", "cases.person", "payments.payment"):
        assert database_term not in access


@pytest.mark.parametrize("width", WIDTHS)
def test_english_reads_english_on_the_case_and_in_the_admin(
    live_server, officer, union_a, federation, tmp_path, width
):
    from playwright.sync_api import sync_playwright

    administrator = make_user(Role.ADMINISTRATOR, federation, username="admin", is_staff=True)
    case = CaseFactory(person=PersonFactory(organisation=union_a), organisation=union_a)

    with sync_playwright() as p:
        browser = launch(p)
        page = signed_in_page(browser, live_server.url, officer.username, width, language="en")
        page.goto(f"{live_server.url}{case.get_absolute_url()}")
        case_page = page.locator("main").inner_text()
        shot(page, tmp_path, f"case-english-{width}")
        page = signed_in_page(
            browser, live_server.url, administrator.username, width, language="en"
        )
        page.goto(f"{live_server.url}/admin/accounts/user/{officer.pk}/change/")
        page.wait_for_selector("#id_groups_from")
        admin_page = page.locator("body").inner_text()
        shot(page, tmp_path, f"admin-user-english-{width}")
        browser.close()

    assert "Awaiting verification" in case_page and "Close the case" in case_page
    assert "Relief · Configuration" in admin_page and "Django" not in admin_page
    assert "Choose Roles by selecting them" in admin_page or "Available Roles" in admin_page
    assert "Case officer" in admin_page and "case_officer" not in admin_page
    assert "First name" not in admin_page and "Name" in admin_page


@pytest.mark.parametrize("width", WIDTHS)
def test_the_print_log_names_who_printed(
    live_server, officer, auditor, union_a, federation, tmp_path, width
):
    from playwright.sync_api import sync_playwright

    from letters import services as letter_services

    officer.display_name = "李帮扶"
    officer.save(update_fields=["display_name"])
    payment = PaymentFactory(
        organisation=union_a, campaign=CampaignFactory(organisation=federation), name="王秀兰"
    )
    letter_services.record_print(
        kind="letter",
        channel="web",
        by=officer,
        payment_ids=[payment.pk],
        pages=1,
        filename="慰问信.pdf",
        subject=payment,
        campaign=payment.campaign,
    )

    with sync_playwright() as p:
        browser = launch(p)
        page = signed_in_page(browser, live_server.url, auditor.username, width)
        page.goto(f"{live_server.url}/letters/log/")
        log = page.locator("main").inner_text()
        shot(page, tmp_path, f"print-log-{width}")
        browser.close()

    assert "李帮扶" in log and "officer_a" not in log
