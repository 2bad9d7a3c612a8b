"""Exports are masked for every role; full numbers leave only through the explicit full-number
export: the reveal permission, a reason, a confirmation, and an access-log row with the filters
and the row count (issue 12 item 3). The bank file stays the one finance file with full accounts."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audits.models import AccessLog
from core.access import AccessAction
from tests.factories import CaseFactory, PersonFactory, VisitFactory
from tests.transfers.factories import make_campaign, make_payment
from tests.transfers.helpers import id_number

ACCOUNT = "6222020000001234"
ROLES = ["officer", "finance", "leader", "auditor"]
EXPORTS = [
    ("cases:export", ["people"]),
    ("cases:export", ["cases"]),
    ("cases:export", ["visits"]),
    ("payments:export", []),
]


@pytest.fixture
def person(union_a, federation, administrator):
    person = PersonFactory(
        name="张三", id_number=id_number(7, "M"), organisation=union_a, bank_account=ACCOUNT
    )
    case = CaseFactory(person=person)
    VisitFactory(case=case)
    make_payment(case, make_campaign(federation, administrator), administrator)
    return person


def _body(response) -> str:
    if response.get("Content-Type", "").startswith("text/csv"):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return _sheet_text(response.content)


def _sheet_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return "\n".join(",".join(str(c) for c in row) for row in sheet.iter_rows(values_only=True))


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "args"), EXPORTS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_export_is_masked_for_every_role(client, request, person, role, name, args, fmt):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse(name, args=[*args, fmt]))
    assert response.status_code == 200
    text = _body(response)
    assert "张三" in text
    assert person.id_number not in text and ACCOUNT not in text
    assert "410102********" + person.id_number[-4:] in text
    log = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert log.detail["sensitive"] is False and log.detail["rows"] == 1


def _full(kind: str, fmt: str = "csv") -> str:
    if kind == "payments":
        return reverse("payments:export_full", args=[fmt])
    return reverse("cases:export_full", args=[kind, fmt])


@pytest.mark.parametrize("role", ["officer", "finance", "auditor"])
@pytest.mark.parametrize("kind", ["people", "payments"])
def test_the_full_export_asks_for_a_reason_and_a_confirmation_and_logs_them(
    client, request, person, role, kind
):
    user = request.getfixturevalue(role)
    client.force_login(user)
    url = _full(kind) + "?q=张"
    page = client.get(url)
    assert page.status_code == 200 and page.context["rows"] == 1
    assert "q=张" in page.content.decode()
    refused = client.post(url, {"reason": "报送", "confirm": ""})
    assert refused.status_code == 400
    assert "请勾选确认后再导出" in refused.content.decode()
    assert set(refused.context["form"].errors) == {"reason", "confirm"}
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()
    response = client.post(url, {"reason": "报送市总工会困难职工档案", "confirm": "on"})
    rows = _rows(_body(response))
    assert len(rows) == 2 and person.id_number in rows[1]
    if kind == "people":
        assert ACCOUNT in rows[1]
    log = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert log.user == user and log.detail["sensitive"] is True
    assert log.detail["reason"] == "报送市总工会困难职工档案"
    assert log.detail["filters"] == {"q": "张"} and log.detail["rows"] == 1


@pytest.mark.parametrize("kind", ["people", "cases", "payments"])
def test_a_leader_may_not_export_full_numbers(client, leader, person, kind):
    client.force_login(leader)
    assert client.get(_full(kind)).status_code == 403
    response = client.post(_full(kind), {"reason": "想看完整号码", "confirm": "on"})
    assert response.status_code == 403
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()


def test_the_full_export_stays_in_the_users_scope(client, officer_b, person):
    client.force_login(officer_b)
    response = client.post(_full("people"), {"reason": "核对本单位名单", "confirm": "on"})
    text = _body(response)
    assert len(_rows(text)) == 1 and person.id_number not in text
    assert AccessLog.objects.get(action=AccessAction.EXPORT).detail["rows"] == 0


def test_the_full_export_link_shows_only_to_revealers(client, officer, leader, person):
    client.force_login(officer)
    page = client.get(reverse("cases:person_list"), {"q": "张"})
    assert _full("people", "xlsx") + "?q=" in page.content.decode()
    client.force_login(leader)
    page = client.get(reverse("cases:person_list"), {"q": "张"})
    assert "export/people.xlsx/full/" not in page.content.decode()


def test_the_full_export_of_a_large_list_runs_as_a_job_with_full_numbers(
    client, finance, person, monkeypatch, django_capture_on_commit_callbacks
):
    from cases.transfers import exporting
    from jobs.models import Job

    monkeypatch.setattr(exporting, "SYNC_XLSX_ROWS", 0)
    client.force_login(finance)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_full("people", "xlsx"), {"reason": "年度档案备份", "confirm": "on"})
    full = Job.objects.get()
    assert response.status_code == 302 and full.params["reveal"] is True
    full.refresh_from_db()
    assert person.id_number in _sheet_text(full.result_file.read())
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("cases:export", args=["people", "xlsx"]))
    masked = Job.objects.exclude(pk=full.pk).get()
    assert masked.params["reveal"] is False
    masked.refresh_from_db()
    assert person.id_number not in _sheet_text(masked.result_file.read())
