"""Item 7 of issue 16: the printed hardship file (困难职工档案表), A4, recorded in the print log."""

import datetime
import io
import os
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases.services import add_household_member, add_rigid_expense, record_visit
from letters.models import PrintKind, PrintRecord
from tests.cases.factories import person_in, poverty_line
from tests.factories import CaseFactory, make_id_number
from tests.payments.factories import CampaignFactory, payment_in_state

from .test_pdf import pages_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def file(union_a, officer, federation, administrator, finance, leader):
    poverty_line(amount="1000.00")
    person = person_in(
        union_a, name="王建国", household_size=3, household_monthly_income=Decimal("2400")
    )
    case = CaseFactory(
        person=person,
        opened_by=officer,
        file_opinion="经核查情况属实，同意建档。",
        publicity_starts_on=datetime.date(2026, 1, 5),
        publicity_ends_on=datetime.date(2026, 1, 11),
    )
    add_household_member(
        case,
        by=officer,
        relation="child",
        name="王小雨",
        id_number=make_id_number(datetime.date(2010, 4, 1), "F", sequence=41),
        status="student",
        school_or_employer="市第一中学",
    )
    add_rigid_expense(case, by=officer, kind="medical", monthly_amount=Decimal("600.00"))
    record_visit(
        case,
        by=officer,
        visit_date=datetime.date.today(),
        kind="home",
        findings="入户查看，住房简陋，配偶长期患病。",
    )
    campaign = CampaignFactory(organisation=federation, created_by=administrator)
    payment_in_state(
        "approved", campaign=campaign, officer=officer, finance=finance, leader=leader, case=case
    )
    return case


def test_the_file_sheet_is_an_a4_pdf_with_every_part(client, officer, file):
    client.force_login(officer)

    response = client.get(reverse("letters:file_sheet", args=[file.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = "".join(pages_text(response.content))
    for part in (
        "困难职工档案表",
        "王建国",
        "王小雨",
        "市第一中学",
        "医疗",
        "相对困难",
        "2026-01-05至2026-01-11",
        "送温暖500.00",
        "入户查看",
        "基层工会意见",
        "上级工会意见",
        "经核查情况属实，同意建档。",
        "（盖章）",
    ):
        assert part in text, part
    assert file.person.id_number not in text  # masked like everywhere else
    record = PrintRecord.objects.get()
    assert (record.kind, record.printed_by) == (PrintKind.FILE_SHEET, officer)
    if os.environ.get("FILE_SHEET_OUT"):
        with open(os.environ["FILE_SHEET_OUT"], "wb") as out:
            out.write(response.content)


def test_another_unions_officer_gets_a_404(client, officer_b, file):
    client.force_login(officer_b)

    response = client.get(reverse("letters:file_sheet", args=[file.pk]))

    assert response.status_code == 404
    assert not PrintRecord.objects.exists()


def test_an_auditor_cannot_print_it(client, auditor, file):
    client.force_login(auditor)

    response = client.get(reverse("letters:file_sheet", args=[file.pk]))

    assert response.status_code == 403
    assert not PrintRecord.objects.exists()


def test_only_hardship_cases_have_a_file_sheet(client, officer, union_a):
    case = CaseFactory(
        person=person_in(union_a), opened_by=officer, category="condolence", hardship_level=""
    )
    client.force_login(officer)

    response = client.get(reverse("letters:file_sheet", args=[case.pk]))

    assert response.status_code == 409
    assert "只有困难职工帮扶个案" in response.content.decode()
    assert not PrintRecord.objects.exists()
