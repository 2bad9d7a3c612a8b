"""Each exception report finds a planted case and ignores a clean one."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import Role
from audits.models import AccessLog
from audits.reports import REPORTS
from core.access import AccessAction, log_access
from tests.factories import CaseFactory, PersonFactory, VisitFactory, make_user

from .factories import change, make_campaign, make_payment, make_standard

pytestmark = pytest.mark.django_db


def rows(slug, user):
    return [row.cells for row in REPORTS[slug].rows(user)]


def refs(slug, user):
    return {cells[0] for cells in rows(slug, user)}


@pytest.fixture
def campaign(federation, administrator):
    campaign = make_campaign(federation, administrator)
    make_standard(campaign, "hardship", "relative", "1000.00")
    make_standard(campaign, "hardship", "", "800.00")
    return campaign


def visited_case(union, officer, **kwargs):
    case = CaseFactory(person=PersonFactory(organisation=union), opened_by=officer, **kwargs)
    VisitFactory(case=case, recorded_by=officer)
    return case


def test_payments_above_the_standard(auditor, officer, union_a, campaign):
    clean = make_payment(visited_case(union_a, officer), campaign, officer)
    by_campaign = make_payment(
        visited_case(union_a, officer), campaign, officer, amount=Decimal("1000.01")
    )
    by_level_fallback = make_payment(
        visited_case(union_a, officer, hardship_level="deep"),
        campaign,
        officer,
        amount=Decimal("900.00"),
    )
    by_recorded = make_payment(
        visited_case(union_a, officer),
        campaign,
        officer,
        amount=Decimal("600.00"),
        standard_amount=Decimal("500.00"),
    )
    make_payment(  # above, but rejected: not live
        visited_case(union_a, officer),
        campaign,
        officer,
        amount=Decimal("5000.00"),
        status="rejected",
        rejection_reason="超标",
    )
    found = refs("above-standard", auditor)
    assert found == {by_campaign.reference, by_level_fallback.reference, by_recorded.reference}
    assert clean.reference not in found


def test_one_bank_account_used_by_different_people(auditor, union_a, union_b):
    shared = "6222020200099990000"
    PersonFactory(organisation=union_a, bank_account=shared)
    PersonFactory(organisation=union_b, bank_account=shared)
    PersonFactory(organisation=union_a)  # an account of their own
    PersonFactory(organisation=union_a, bank_account="")
    PersonFactory(organisation=union_b, bank_account="")  # two blanks are not a shared account
    found = rows("shared-bank-account", auditor)
    assert len(found) == 1
    assert found[0][0] == "6222" + "*" * 11 + "0000"
    assert found[0][1] == 2


def test_payments_on_cases_with_no_visit(auditor, officer, union_a, campaign):
    clean = make_payment(visited_case(union_a, officer), campaign, officer)
    bare = CaseFactory(person=PersonFactory(organisation=union_a), opened_by=officer)
    planted = make_payment(bare, campaign, officer)
    assert refs("no-visit", auditor) == {planted.reference}
    assert clean.reference not in refs("no-visit", auditor)


def test_payments_changed_after_approval(auditor, officer, finance, union_a, campaign):
    def approved_payment():
        payment = make_payment(visited_case(union_a, officer), campaign, officer)
        change(payment, officer, "提交", status="submitted", submitted_by=officer)
        change(payment, finance, "审批", status="approved", approved_by=finance)
        return payment

    clean = approved_payment()
    change(clean, finance, "", status="in_batch")  # lifecycle only
    change(clean, finance, "", status="paid", paid_at=timezone.now(), bank_serial="B1")

    edited_before = make_payment(visited_case(union_a, officer), campaign, officer)
    change(edited_before, officer, "改金额", amount=Decimal("1500.00"))  # still a draft: fine

    tampered = approved_payment()
    change(tampered, officer, "改金额", amount=Decimal("1800.00"))

    found = rows("changed-after-approval", auditor)
    assert [r[0] for r in found] == [tampered.reference]
    assert "金额（元）: 1,000.00 → 1,800.00" in found[0][4]
    assert found[0][2] == str(officer)


def test_self_approval_attempts(auditor, officer, finance, union_a, campaign):
    payment = make_payment(visited_case(union_a, officer), campaign, officer)
    log_access(user=finance, action=AccessAction.FOUR_EYES, obj=payment, detail={"message": "x"})
    log_access(user=finance, action=AccessAction.DENIED, obj=payment)
    found = rows("self-approval", auditor)
    assert len(found) == 1
    assert found[0][1] == "finance"
    assert found[0][2] == f"payments.payment #{payment.pk}"


def test_a_person_paid_from_two_organisations_in_one_campaign(
    auditor, officer, officer_b, union_a, union_b, campaign, federation
):
    person = PersonFactory(organisation=union_a)
    first = make_payment(
        CaseFactory(person=person, opened_by=officer), campaign, officer, status="cancelled"
    )
    second_case = CaseFactory(
        person=person, organisation=union_b, opened_by=officer_b, category="condolence"
    )
    second = make_payment(second_case, campaign, officer_b)
    other_campaign = make_campaign(federation, officer)
    make_payment(second_case, other_campaign, officer_b)  # other campaign: fine
    lone = make_payment(visited_case(union_a, officer), campaign, officer)  # one union: fine
    found = rows("two-organisations", auditor)
    assert len(found) == 1
    assert first.reference in found[0][4] and second.reference in found[0][4]
    assert lone.reference not in found[0][4]


def test_hardship_cases_overdue_for_review_that_were_paid_recently(
    auditor, officer, union_a, campaign
):
    today = timezone.localdate()
    overdue = visited_case(union_a, officer, status="verified")
    change(overdue, officer, "", last_verified_on=today - datetime.timedelta(days=400))
    make_payment(overdue, campaign, officer, status="paid", paid_at=timezone.now())

    fresh = visited_case(union_a, officer, status="verified")
    change(fresh, officer, "", last_verified_on=today - datetime.timedelta(days=30))
    make_payment(fresh, campaign, officer, status="paid", paid_at=timezone.now())

    unpaid = visited_case(union_a, officer, status="verified")
    change(unpaid, officer, "", last_verified_on=today - datetime.timedelta(days=400))
    make_payment(
        unpaid,
        campaign,
        officer,
        status="paid",
        paid_at=timezone.now() - datetime.timedelta(days=500),
    )
    found = rows("overdue-and-paid", auditor)
    assert [r[0] for r in found] == [overdue.person.name]


def test_a_union_auditor_sees_only_exceptions_of_their_subtree(
    officer, officer_b, union_a, union_b, campaign
):
    mine = make_payment(
        CaseFactory(person=PersonFactory(organisation=union_a), opened_by=officer),
        campaign,
        officer,
    )
    theirs = make_payment(
        CaseFactory(person=PersonFactory(organisation=union_b), opened_by=officer_b),
        campaign,
        officer_b,
    )
    union_auditor = make_user(Role.AUDITOR, union_a, username="auditor_a")
    assert refs("no-visit", union_auditor) == {mine.reference}
    assert theirs.reference not in refs("no-visit", union_auditor)


def test_report_pages_and_exports(client, auditor, officer, union_a, campaign, finance):
    bare = CaseFactory(person=PersonFactory(organisation=union_a), opened_by=officer)
    planted = make_payment(bare, campaign, officer)
    client.force_login(auditor)
    assert client.get(reverse("audits:reports")).status_code == 200
    for slug in REPORTS:
        assert client.get(reverse("audits:report", args=[slug])).status_code == 200
    page = client.get(reverse("audits:report", args=["no-visit"])).content.decode()
    assert planted.reference in page
    response = client.get(reverse("audits:report_export", args=["no-visit", "xlsx"]))
    sheet = load_workbook(__import__("io").BytesIO(response.content)).active
    assert sheet.cell(row=2, column=1).value == planted.reference
    csv_body = b"".join(
        client.get(reverse("audits:report_export", args=["no-visit", "csv"])).streaming_content
    ).decode("utf-8-sig")
    assert planted.reference in csv_body
    exports = AccessLog.objects.filter(action=AccessAction.EXPORT, object_id="no-visit")
    assert exports.count() == 2
    assert client.get(reverse("audits:report", args=["nothing"])).status_code == 404
    client.force_login(finance)
    assert client.get(reverse("audits:report", args=["no-visit"])).status_code == 403
