"""Roster (XLSX, PDF) and 疗休养通知书 through the letters machinery and the print log."""

import io

from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from audits.models import AccessLog
from letters.models import PrintKind, PrintRecord
from recuperation import services


def _approved(nominated, approver, special_needs=""):
    services.approve_nomination(nominated, by=approver)
    return nominated


def test_roster_xlsx_has_the_columns_and_masked_ids_and_is_logged(
    client, officer, nominated, approver
):
    _approved(nominated, approver)
    client.force_login(officer)
    response = client.get(reverse("recuperation:roster_xlsx", args=[nominated.session_id]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2] == ("序号", "姓名", "单位", "身份证号", "手机号码", "紧急联系人", "特殊需求")
    assert rows[3][1] == "李护士" and rows[3][3] == nominated.person.masked_id_number
    assert nominated.person.id_number not in str(rows)
    assert rows[3][5] == "王五 13900000000"
    assert AccessLog.objects.filter(action="export", user=officer).exists()


def test_roster_pdf_is_printed_and_recorded(client, finance, nominated, approver):
    _approved(nominated, approver)
    client.force_login(finance)
    response = client.get(reverse("recuperation:roster_pdf", args=[nominated.session_id]))
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "李护士" in text and "人员名册" in text
    record = PrintRecord.objects.get(kind=PrintKind.RECUPERATION_ROSTER)
    assert record.printed_by == finance and record.page_count == 1
    assert AccessLog.objects.filter(action="print", user=finance).exists()


def test_notice_per_person_only_once_approved(client, officer, nominated, approver):
    client.force_login(officer)
    url = reverse("recuperation:nomination_notice", args=[nominated.pk])
    page = client.get(url, follow=True).content.decode()
    assert "没有已批准或已确认的人员" in page
    _approved(nominated, approver)
    response = client.get(url)
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text().replace(" ", "")
    assert "疗休养通知书" in text and "李护士" in text and "杭州·千岛湖" in text
    assert PrintRecord.objects.filter(kind=PrintKind.RECUPERATION_NOTICE).count() == 1


def test_leader_cannot_print(client, leader, nominated):
    client.force_login(leader)
    assert (
        client.get(reverse("recuperation:roster_pdf", args=[nominated.session_id])).status_code
        == 403
    )


def test_other_union_roster_is_404(client, officer_b, nominated, approver, union_b):
    # officer_b's union has a quota, so the session is visible, but not union A's people
    _approved(nominated, approver)
    client.force_login(officer_b)
    response = client.get(reverse("recuperation:roster_xlsx", args=[nominated.session_id]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "李护士" not in str(list(sheet.iter_rows(values_only=True)))


def test_print_log_names_the_roster_for_the_auditor(client, finance, auditor, nominated, approver):
    _approved(nominated, approver)
    client.force_login(finance)
    client.get(reverse("recuperation:roster_pdf", args=[nominated.session_id]))
    client.force_login(auditor)
    page = client.get(reverse("letters:print_log")).content.decode()
    assert "疗休养名册" in page and "杭州·千岛湖" in page


def test_home_page_offers_recuperation_to_the_officer(client, officer):
    client.force_login(officer)
    page = client.get(reverse("home"), follow=True).content.decode()
    assert reverse("recuperation:programme_list") in page


def test_session_notices_print_the_approved_and_name_the_file(client, finance, nominated, approver):
    client.force_login(finance)
    url = reverse("recuperation:session_notices", args=[nominated.session_id])
    refused = client.get(url, follow=True)
    assert "没有可打印的通知书" in refused.content.decode()
    _approved(nominated, approver)
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename")
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "李护士" in text
