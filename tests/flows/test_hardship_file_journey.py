"""A family through the hardship file: application → household → home visit → 公示 → approval →
a year of payments within the household's caps → the yearly review → 脱困 with its follow-ups →
the printed 档案表, each step on the case page's timeline."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseStatus, FileStage
from cases.services import record_visit
from payments import services as payments
from payments.exceptions import HardshipFileNotCurrent, HouseholdCapExceeded
from payments.models import AssistanceStandard, PaymentStatus
from tests.audit_helpers import assert_audit_intact
from tests.cases.factories import person_in
from tests.idnumbers import make_id_number
from tests.letters.test_pdf import pages_text
from tests.payments.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def test_a_family_from_application_to_exit(
    client, federation, union_a, officer, finance, leader, administrator
):
    person = person_in(union_a, household_size=3, household_monthly_income=Decimal("2400.00"))
    client.force_login(officer)

    # Application: opening the hardship case.
    opened = client.post(
        reverse("cases:case_open") + f"?person={person.pk}",
        {
            "category": "hardship",
            "hardship_level": "relative",
            "causes": ["illness"],
            "summary": "配偶重病",
            "level_override_reason": "配偶重病，医疗支出大",
        },
    )
    assert opened.status_code == 302, opened.content.decode()[:500]
    case = Case.objects.get(person=person)
    assert case.file_stage == FileStage.APPLIED
    Case.objects.filter(pk=case.pk).update(
        opened_at=timezone.now() - datetime.timedelta(days=30), applied_on=_days_ago(30)
    )

    # The household and its rigid expenses.
    member = {
        "relation": "spouse",
        "name": "王芳",
        "id_number": make_id_number(sequence=99),
        "status": "unemployed",
        "monthly_income": "0",
        "health": "serious",
        "medical_insurance": "resident",
    }
    assert client.post(reverse("cases:member_add", args=[case.pk]), member).status_code == 302
    expense = {"kind": "medical", "monthly_amount": "1200", "note": "透析"}
    assert client.post(reverse("cases:expense_add", args=[case.pk]), expense).status_code == 302

    # A phone call is not the home visit: the 公示 waits for one.
    notice = {"starts_on": _days_ago(20), "ends_on": _days_ago(14)}
    record_visit(case, by=officer, visit_date=_days_ago(26), kind="phone", findings="电话了解")
    refused = client.post(reverse("cases:file_publicity", args=[case.pk]), notice)
    assert refused.status_code == 400
    record_visit(case, by=officer, visit_date=_days_ago(25), kind="home", findings="入户属实")
    assert client.post(reverse("cases:file_publicity", args=[case.pk]), notice).status_code == 302

    # A payment drafted now cannot be approved before the file is in file.
    campaign = CampaignFactory(organisation=federation, created_by=administrator)
    payment = payments.draft_payment(case, campaign, by=officer)
    payments.submit_payment(payment, by=officer)
    with pytest.raises(HardshipFileNotCurrent):
        payments.approve_payment(payment, by=finance)

    # The upper-level union approves after the 公示.
    client.force_login(leader)
    approved = client.post(reverse("cases:file_approve", args=[case.pk]), {"opinion": "同意"})
    assert approved.status_code == 302
    case.refresh_from_db()
    assert case.file_stage == FileStage.IN_FILE

    payments.approve_payment(payment, by=finance)
    assert payment.status == PaymentStatus.APPROVED

    # A year of payments within the household's cap for 生活救助 (800 a year for 相对困难),
    # across campaigns; the one that would pass it is refused with the figures.
    AssistanceStandard.objects.create(
        hardship_level="relative", item="living", basis="fixed", value=Decimal("800.00")
    )
    spent = []
    for n, amount in enumerate(("600.00", "300.00")):
        other = CampaignFactory(
            organisation=federation, created_by=administrator, name=f"生活救助{n}"
        )
        p = payments.draft_payment(
            case,
            other,
            by=officer,
            amount=Decimal(amount),
            justification="按生活救助标准",
            assistance_item="living",
        )
        payments.submit_payment(p, by=officer)
        spent.append(p)
    payments.approve_payment(spent[0], by=finance)
    client.force_login(finance)
    page = client.get(spent[1].get_absolute_url()).content.decode()
    assert "家庭年度剩余额度" in page and "¥200.00" in page
    with pytest.raises(HouseholdCapExceeded, match="剩余额度 200.00 元"):
        payments.approve_payment(spent[1], by=finance)
    spent[1].refresh_from_db()
    assert spent[1].status == PaymentStatus.SUBMITTED

    # The yearly review: a new home visit, recorded by the union, approved from above.
    record_visit(case, by=officer, visit_date=_days_ago(0), kind="home", findings="已康复上班")
    client.force_login(officer)
    year = timezone.localdate().year + 1
    reviewed = client.post(
        reverse("cases:file_review", args=[case.pk]),
        {
            "year": year,
            "outcome": "exit",
            "note": "配偶康复就业，收入超过标准",
            "exit_reason": "employed",
        },
    )
    assert reviewed.status_code == 302, reviewed.content.decode()[:800]
    review = case.reviews.get()
    assert review.household_size == 2 and review.rigid_expenses == Decimal("1200.00")

    client.force_login(leader)
    assert (
        client.post(reverse("cases:review_approve", args=[review.pk]), {"opinion": ""})
    ).status_code == 302
    case.refresh_from_db()
    assert (case.status, case.file_stage) == (CaseStatus.CLOSED, FileStage.EXITED)
    assert case.exit_reason == "employed"

    # Follow-ups at 6 and 12 months; a visit on the exited file answers the first.
    follow_ups = list(case.exit_follow_ups.order_by("months"))
    assert [f.months for f in follow_ups] == [6, 12]
    client.force_login(officer)
    followed = client.post(
        reverse("cases:visit_create", args=[case.pk]),
        {"visit_date": timezone.localdate().isoformat(), "kind": "home", "findings": "收入稳定"},
    )
    assert followed.status_code == 302, followed.content.decode()[:800]
    follow_ups[0].refresh_from_db()
    assert follow_ups[0].visit is not None and follow_ups[1].visit is None

    # The printed 档案表.
    sheet = client.get(reverse("letters:file_sheet", args=[case.pk]))
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF")
    text = "".join(pages_text(sheet.content))
    assert "王芳" in text and "生活救助600.00" in text and "上级工会意见" in text

    # Every step is on the case page's timeline, with who did it.
    page = client.get(case.get_absolute_url()).content.decode()
    for step in ("立案", "公示", "上级工会审批建档", "结案", "脱困后 6 个月", "已回访"):
        assert step in page, step
    assert_audit_intact()
