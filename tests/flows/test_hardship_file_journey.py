"""A family through the hardship file: application → household → home visit → 公示 → approval →
a payment within the rules → the yearly review → 脱困, each step on the case page's timeline."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseStatus, FileStage
from cases.services import record_visit
from payments import services as payments
from payments.exceptions import HardshipFileNotCurrent
from payments.models import PaymentStatus
from tests.audit_helpers import assert_audit_intact
from tests.cases.factories import person_in
from tests.idnumbers import make_id_number
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

    # The yearly review: a new home visit, recorded by the union, approved from above.
    record_visit(case, by=officer, visit_date=_days_ago(0), kind="home", findings="已康复上班")
    client.force_login(officer)
    year = timezone.localdate().year + 1
    reviewed = client.post(
        reverse("cases:file_review", args=[case.pk]),
        {"year": year, "outcome": "exit", "note": "配偶康复就业，收入超过标准"},
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

    # Every step is on the case page's timeline, with who did it.
    page = client.get(case.get_absolute_url()).content.decode()
    for step in ("立案", "公示", "上级工会审批建档", "结案"):
        assert step in page
    assert_audit_intact()
