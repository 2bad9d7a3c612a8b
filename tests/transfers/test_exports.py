"""Exports of people, cases and visits: scope, masking, formula neutralisation, the log."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from audits.models import AccessLog
from core.access import AccessAction
from core.formatting import neutralise
from jobs.models import Job, JobStatus
from tests.factories import CaseFactory, PersonFactory, VisitFactory, make_user

from .helpers import id_number

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def xlsx_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.fixture
def people(union_a, union_b):
    a = PersonFactory(
        name='=HYPERLINK("http://x")',
        id_number=id_number(11, "M"),
        organisation=union_a,
        bank_account="6222020000001234",
        position="+SUM(A1)",
    )
    b = PersonFactory(name="乙", id_number=id_number(12, "M"), organisation=union_b)
    return a, b


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+86", "'+86"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("张三", "张三"),
        ("", ""),
    ],
)
def test_cells_a_spreadsheet_would_run_are_neutralised(text, safe):
    assert neutralise(text) == safe


def test_people_csv_is_scoped_masked_even_for_revealers_and_logged(client, officer, people):
    client.force_login(officer)
    response = client.get(reverse("cases:export", args=["people", "csv"]))
    rows = csv_rows(response)
    assert rows[0][:3] == ["姓名", "身份证号", "性别"]
    assert len(rows) == 2  # union B's person is outside the officer's scope
    assert rows[1][0] == '\'=HYPERLINK("http://x")' and "'+SUM(A1)" in rows[1]
    assert rows[1][1] == "410102********" + people[0].id_number[-4:]
    assert "6222********1234" in rows[1] and "6222020000001234" not in rows[1]
    log = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert log.user == officer and log.object_type == "cases.person"
    assert log.detail["rows"] == 1 and log.detail["sensitive"] is False
    assert log.detail["format"] == "csv"


def test_sensitive_columns_are_masked_for_users_who_may_not_reveal(client, union_a, people):
    leader = make_user(Role.LEADER, union_a)
    client.force_login(leader)
    rows = xlsx_rows(client.get(reverse("cases:export", args=["people", "xlsx"])).content)
    assert rows[1][1] == "410102********" + people[0].id_number[-4:]
    assert "6222********1234" in rows[1]
    assert AccessLog.objects.get(action=AccessAction.EXPORT).detail["sensitive"] is False


def test_an_officer_cannot_export_another_unions_people(client, officer_b, people):
    client.force_login(officer_b)
    rows = csv_rows(client.get(reverse("cases:export", args=["people", "csv"])))
    assert [r[0] for r in rows[1:]] == ["乙"]
    other = client.get(
        reverse("cases:export", args=["people", "csv"]), {"organisation": people[0].organisation_id}
    )
    assert csv_rows(other)[1:] == []


def test_filters_narrow_the_export(client, auditor, people):
    client.force_login(auditor)
    by_tail = client.get(
        reverse("cases:export", args=["people", "csv"]), {"q": people[1].id_number[-4:]}
    )
    assert [r[0] for r in csv_rows(by_tail)[1:]] == ["乙"]
    by_org = client.get(
        reverse("cases:export", args=["people", "csv"]), {"organisation": people[1].organisation_id}
    )
    assert [r[0] for r in csv_rows(by_org)[1:]] == ["乙"]
    log = AccessLog.objects.filter(action=AccessAction.EXPORT).first()
    assert log.detail["filters"] == {"organisation": str(people[1].organisation_id)}


def test_cases_and_visits_exports_have_chinese_headers_and_scope(client, officer, people):
    case_a = CaseFactory(person=people[0], summary="@cmd")
    VisitFactory(case=case_a, findings="-1+1")
    VisitFactory(case=CaseFactory(person=people[1]))
    client.force_login(officer)
    cases = xlsx_rows(client.get(reverse("cases:export", args=["cases", "xlsx"])).content)
    assert cases[0][:3] == ["个案编号", "姓名", "身份证号"] and len(cases) == 2
    assert cases[1][4] == "困难职工帮扶" and cases[1][-1] == "'@cmd"
    visits = csv_rows(client.get(reverse("cases:export", args=["visits", "csv"])))
    assert visits[0][0] == "走访日期" and len(visits) == 2 and "'-1+1" in visits[1]
    assert AccessLog.objects.filter(action=AccessAction.EXPORT).count() == 2


def test_exports_need_the_view_permission(client, administrator, people):
    client.force_login(administrator)
    assert client.get(reverse("cases:export", args=["people", "csv"])).status_code == 403
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()


def test_unknown_kinds_and_formats_are_not_found(client, officer):
    client.force_login(officer)
    assert client.get(reverse("cases:export", args=["people", "pdf"])).status_code == 404
    assert client.get(reverse("cases:export", args=["payments2", "csv"])).status_code == 404


def test_a_large_xlsx_export_runs_in_the_background_and_offers_the_file(
    client, officer, people, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("cases.transfers.exporting.SYNC_XLSX_ROWS", 0)
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("cases:export", args=["people", "xlsx"]))
    job = Job.objects.get()
    assert response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result_name.endswith(".xlsx")
    rows = xlsx_rows(job.result_file.read())
    assert len(rows) == 2 and rows[1][1] == "410102********" + people[0].id_number[-4:]


def test_the_export_query_count_does_not_grow_with_rows(
    client, officer, union_a, django_assert_max_num_queries
):
    for n in range(30):
        PersonFactory(id_number=id_number(100 + n, "M"), organisation=union_a)
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cases:export", args=["people", "csv"]))
        rows = csv_rows(response)
    assert len(rows) == 31


def test_the_people_export_takes_the_list_pages_filter_parameters(client, officer, union_a):
    PersonFactory(id_number=id_number(201, "M"), organisation=union_a, is_hubei_team=True)
    PersonFactory(id_number=id_number(202, "M"), organisation=union_a, name="王五")
    client.force_login(officer)
    url = reverse("cases:export", args=["people", "csv"])
    hubei = csv_rows(client.get(url, {"flag": "is_hubei_team"}))
    assert len(hubei) == 2 and hubei[1][hubei[0].index("援鄂医疗队员")] == "是"
    by_name = csv_rows(client.get(url, {"q": "王"}))
    assert [r[0] for r in by_name[1:]] == ["王五"]
    invalid = csv_rows(client.get(url, {"employment_status": "nonsense"}))
    assert invalid[1:] == []


def test_the_cases_export_takes_the_case_list_filters(client, officer, people):
    CaseFactory(person=people[0], category="hubei_team", hardship_level="")
    CaseFactory(person=people[0], category="hardship")
    client.force_login(officer)
    url = reverse("cases:export", args=["cases", "csv"])
    rows = csv_rows(client.get(url, {"category": "hubei_team"}))
    assert [r[4] for r in rows[1:]] == ["援鄂医疗队员慰问"]
