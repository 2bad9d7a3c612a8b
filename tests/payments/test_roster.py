"""The 发放花名册 of a campaign or a batch: who is on it, masked IDs, subtotals per union, the
total in figures and capitals (as LibreOffice computes them), the PDF, scope, roles, queries."""

import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.roles import Role
from audits.models import AccessLog
from core.access import AccessAction
from payments import services
from payments.ledger.selectors import campaign_roster_payments, roster_groups
from tests.audit_helpers import assert_audit_intact
from tests.factories import make_user

from .factories import case_in, payment_in_state
from .spreadsheets import libreoffice_rows, money

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(walk, campaign, union_b, officer_b, finance, leader, finance2):
    """Union A: paid 500, approved 500, failed 500, a 1,200.07 second-approved, and payments
    that must not appear; union B: two paid payments of 500."""
    made = {state: walk(state) for state in ("paid", "approved", "failed", "reversed", "draft")}
    made["big"] = walk("second_approved", amount=Decimal("1200.07"))
    made["waiting"] = walk("approved", amount=Decimal("1500.00"))
    made["b"] = [
        payment_in_state(
            "paid",
            campaign=campaign,
            officer=officer_b,
            finance=finance,
            leader=leader,
            finance2=finance2,
            case=case_in(union_b, officer=officer_b),
        )
        for _ in range(2)
    ]
    return made


def test_the_campaign_roster_lists_owed_and_paid_money_grouped_by_union(roster, finance, campaign):
    groups = roster_groups(campaign_roster_payments(finance, campaign))
    assert [g.organisation for g in groups] == ["第一中学工会", "市人民医院工会"]
    references = {line.reference for g in groups for line in g.lines}
    assert references == {roster[s].reference for s in ("paid", "approved", "failed", "big")} | {
        p.reference for p in roster["b"]
    }
    assert [g.subtotal for g in groups] == [Decimal("2700.07"), Decimal("1000.00")]
    line = next(line for line in groups[0].lines if line.reference == roster["paid"].reference)
    assert line.category == "困难职工帮扶（相对困难）"


def test_the_roster_xlsx_subtotals_and_total_reconcile_in_libreoffice(
    client, roster, finance, campaign
):
    client.force_login(finance)
    response = client.get(reverse("payments:campaign_roster", args=[campaign.pk, "xlsx"]))
    assert response.status_code == 200
    rows = libreoffice_rows(response.content)
    assert rows[0][0] == f"{campaign.name}发放花名册"
    assert rows[2] == ["序号", "单位", "姓名", "身份证号", "类别及困难类别", "金额（元）", "签名"]
    subtotals = [r for r in rows if r[2] == "小计"]
    assert [(r[1], r[3], money(r[5])) for r in subtotals] == [
        ("第一中学工会", "4人", Decimal("2700.07")),
        ("市人民医院工会", "2人", Decimal("1000.00")),
    ]
    total = next(r for r in rows if r[2] == "合计")
    assert (total[3], money(total[5])) == ("6人", Decimal("3700.07"))
    lines = [r for r in rows[3:] if r[0].isdigit()]
    assert len(lines) == 6 and all(r[6] == "" for r in lines)  # the signature column
    for line in lines:
        assert "********" in line[3] and len(line[3]) == 18
    assert sum((money(r[5]) for r in lines), Decimal("0.00")) == Decimal("3700.07")
    assert any(r[0] == "合计金额（大写）：人民币叁仟柒佰元零柒分" for r in rows)
    log = AccessLog.objects.get(action=AccessAction.EXPORT, object_type="payments.campaign")
    assert (log.detail["kind"], log.detail["rows"]) == ("roster", 6)
    assert_audit_intact()


def test_the_roster_total_matches_the_campaign_payments_list_to_the_fen(
    client, roster, finance, campaign
):
    """The campaign page's payments, summed one by one over the states a roster counts."""
    counted = {"approved", "second_approved", "in_batch", "paid", "failed"}
    expected = sum(
        (
            p.amount
            for p in campaign.payments.select_related("campaign")
            if p.status in counted and (p.status != "approved" or not p.needs_second_approval)
        ),
        Decimal("0.00"),
    )
    groups = roster_groups(campaign_roster_payments(finance, campaign))
    assert sum((g.subtotal for g in groups), Decimal("0.00")) == expected == Decimal("3700.07")


def test_the_roster_pdf_is_an_a4_document_with_subtotals_and_capitals(
    client, roster, finance, campaign
):
    client.force_login(finance)
    response = client.get(reverse("payments:campaign_roster", args=[campaign.pk, "pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "roster.pdf"
        pdf.write_bytes(response.content)
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        info = subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
        ).stdout
    assert "595.276 x 841.89 pts (A4)" in info
    assert "发放花名册" in text and "小计" in text and "2,700.07" in text
    assert "人民币叁仟柒佰元零柒分" in text and "3,700.07" in text
    assert roster["paid"].person.id_number not in text
    assert roster["paid"].person.masked_id_number in text
    assert AccessLog.objects.filter(action=AccessAction.PRINT).count() == 1


def test_the_batch_roster_lists_the_batch_lines_the_bank_did_not_return(
    client, roster, finance, campaign, walk
):
    first, second = walk("second_approved"), walk("second_approved")
    batch = services.create_batch(campaign, [first.pk, second.pk], by=finance)
    services.mark_batch_sent(batch, by=finance)
    services.mark_failed(second, by=finance, reason="账号不存在")
    client.force_login(finance)
    rows = libreoffice_rows(
        client.get(reverse("payments:batch_roster", args=[batch.pk, "xlsx"])).content
    )
    assert batch.reference in rows[1][0]
    lines = [r for r in rows[3:] if r[0].isdigit()]
    assert [r[2] for r in lines] == [first.person.name]
    assert money(next(r for r in rows if r[2] == "合计")[5]) == first.amount


def test_an_officer_gets_only_their_unions_part_of_a_city_wide_campaign(
    client, roster, officer_b, campaign
):
    groups = roster_groups(campaign_roster_payments(officer_b, campaign))
    assert [g.organisation for g in groups] == ["市人民医院工会"]
    client.force_login(officer_b)
    response = client.get(reverse("payments:campaign_roster", args=[campaign.pk, "xlsx"]))
    assert response.status_code == 200


def test_a_union_part_of_the_roster_and_out_of_scope_requests(
    client, roster, finance, officer_b, campaign, union_a
):
    url = reverse("payments:campaign_roster", args=[campaign.pk, "xlsx"])
    client.force_login(finance)
    rows = libreoffice_rows(client.get(url, {"organisation": union_a.pk}).content)
    assert {r[1] for r in rows if r[2] == "小计"} == {"第一中学工会"}
    client.force_login(officer_b)
    assert client.get(url, {"organisation": union_a.pk}).status_code == 404
    assert client.get(url, {"organisation": "x"}).status_code == 404


def test_a_batch_or_campaign_outside_the_scope_is_a_404(
    client, roster, finance, officer_b, campaign, union_a, administrator
):
    from payments.models import Campaign

    own = Campaign.objects.create(
        **{
            f.name: getattr(campaign, f.name)
            for f in Campaign._meta.fields
            if f.name not in ("id", "organisation", "name", "created_at")
        },
        name="第一中学自办慰问",
        organisation=union_a,
    )
    batch = services.create_batch(campaign, [roster["approved"].pk], by=finance)
    client.force_login(officer_b)
    assert client.get(reverse("payments:campaign_roster", args=[own.pk, "pdf"])).status_code == 404
    assert client.get(reverse("payments:batch_roster", args=[batch.pk, "pdf"])).status_code in (
        403,
        404,
    )
    client.force_login(administrator)
    url = reverse("payments:campaign_roster", args=[campaign.pk, "xlsx"])
    assert client.get(url).status_code == 403
    client.force_login(finance)
    assert (
        client.get(reverse("payments:campaign_roster", args=[campaign.pk, "doc"])).status_code
        == 404
    )
    assert not AccessLog.objects.filter(action__in=["export", "print"]).exists()


@pytest.mark.parametrize("role", [Role.FINANCE, Role.LEADER, Role.AUDITOR])
def test_the_reading_roles_get_the_batch_roster(
    client, roster, finance, campaign, federation, role
):
    batch = services.create_batch(campaign, [roster["approved"].pk], by=finance)
    client.force_login(make_user(role, federation))
    assert client.get(reverse("payments:batch_roster", args=[batch.pk, "xlsx"])).status_code == 200


def test_the_roster_costs_the_same_queries_whatever_its_length(
    client, walk, finance, campaign, django_assert_num_queries
):
    walk("paid")
    client.force_login(finance)
    url = reverse("payments:campaign_roster", args=[campaign.pk, "xlsx"])
    client.get(url)  # the session's first request writes its stamp
    with django_assert_num_queries(10):
        client.get(url)
    for _ in range(5):
        walk("approved")
    with django_assert_num_queries(10):
        client.get(url)


def test_a_long_roster_or_ledger_is_built_by_a_background_job_in_the_owners_scope(
    client, roster, officer_b, campaign, union_b, monkeypatch, django_capture_on_commit_callbacks
):
    from jobs.models import Job
    from payments.views import ledger as views

    monkeypatch.setattr(views, "SYNC_ROWS", {"xlsx": 1, "pdf": 1})
    client.force_login(officer_b)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("payments:campaign_roster", args=[campaign.pk, "xlsx"]))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == "done", job.message
    rows = libreoffice_rows(b"".join(client.get(reverse("jobs:download", args=[job.pk]))))
    assert {r[1] for r in rows if r[2] == "小计"} == {"市人民医院工会"}
    with django_capture_on_commit_callbacks(execute=True):
        url = reverse("payments:ledger_download")
        client.get(url, {"organisation": union_b.pk, "year": 2026})
    ledger_job = Job.objects.exclude(pk=job.pk).get()
    ledger_job.refresh_from_db()
    assert ledger_job.status == "done" and ledger_job.kind == "payments.finance_file"
