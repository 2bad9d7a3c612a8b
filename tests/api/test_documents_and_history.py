"""Visits with photos, letters, bank files and record history through the API."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from audits.models import AccessLog
from cases.models import Visit
from letters.models import PrintRecord
from payments import services
from tests.cases.factories import png_bytes

from .conftest import token_client

pytestmark = pytest.mark.django_db


def test_an_officer_records_a_visit_with_a_photo(officer, case):
    photo = SimpleUploadedFile("门口.png", png_bytes(), content_type="image/png")
    response = token_client(officer).post(
        "/api/v1/visits/",
        {
            "case": case.pk,
            "visit_date": timezone.localdate().isoformat(),
            "kind": "home",
            "findings": "住房漏雨，老人卧床",
            "attachments": [photo],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    visit = Visit.objects.get()
    assert visit.recorded_by == officer
    assert [a["content_type"] for a in response.json()["attachments"]] == ["image/png"]


def test_a_bad_file_refuses_the_whole_visit_with_the_pages_message(officer, case):
    bad = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00not an image", content_type="image/jpeg")
    response = token_client(officer).post(
        "/api/v1/visits/",
        {
            "case": case.pk,
            "visit_date": timezone.localdate().isoformat(),
            "kind": "home",
            "findings": "x",
            "attachments": [bad],
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "attachment_rejected"
    assert "photo.jpg" in response.json()["error"]["message"]
    assert not Visit.objects.exists()


def test_finance_downloads_the_bank_file_and_the_export_is_logged(finance, officer, walk):
    payment = walk("in_batch")
    client = token_client(finance)
    response = client.get(f"/api/v1/batches/{payment.batch_id}/bank-file/", {"file_format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert payment.person.bank_account in response.content.decode("utf-8-sig")
    assert AccessLog.objects.filter(action="export", user=finance).exists()
    refused = token_client(officer).get(f"/api/v1/batches/{payment.batch_id}/bank-file/")
    assert refused.status_code == 403


def test_a_letter_for_a_draft_is_refused_with_the_pages_message(officer, walk, fake_pdf):
    payment = walk("draft")
    response = token_client(officer).get(f"/api/v1/payments/{payment.pk}/letter/")
    assert response.status_code == 409
    assert response.json()["error"]["message"].startswith("只有已审批或已发放的慰问金")
    assert not PrintRecord.objects.exists()


def test_an_approved_payments_letter_is_a_recorded_pdf(officer, walk, fake_pdf):
    payment = walk("approved")
    response = token_client(officer).get(f"/api/v1/payments/{payment.pk}/letter/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert PrintRecord.objects.get().printed_by == officer


def test_the_auditor_reads_a_payments_history_with_field_differences(auditor, officer, walk):
    payment = walk("approved")
    response = token_client(auditor).get(f"/api/v1/history/payments.payment/{payment.pk}/")
    assert response.status_code == 200, response.json()
    rows = response.json()["results"]
    assert [r["reason"] for r in rows][:3] == ["一级审批通过", "提交审批", "起草"]
    status_change = next(c for c in rows[0]["changes"] if c["new"] == "已审批")
    assert status_change["old"] == "待审批"
    assert (
        token_client(officer).get(f"/api/v1/history/payments.payment/{payment.pk}/").status_code
        == 403
    )
    missing = token_client(auditor).get("/api/v1/history/payments.payment/999999/")
    assert missing.status_code == 404


def test_integrator_flow_draft_submit_approve_batch_letter_keeps_the_audit_intact(
    officer, finance, case, campaign, fake_pdf
):
    officer_api, finance_api = token_client(officer), token_client(finance)
    pk = officer_api.post(
        "/api/v1/payments/",
        {"case": case.pk, "campaign": campaign.pk},
        format="json",
        HTTP_IDEMPOTENCY_KEY="flow-draft",
    ).json()["id"]
    assert officer_api.post(f"/api/v1/payments/{pk}/submit/").status_code == 200
    assert finance_api.post(f"/api/v1/payments/{pk}/approve/").status_code == 200
    batch = services.create_batch(campaign, [pk], by=finance)
    assert finance_api.get(f"/api/v1/batches/{batch.pk}/").json()["status"] == "open"
    assert finance_api.get(f"/api/v1/batches/{batch.pk}/bank-file/").status_code == 200
    assert officer_api.get(f"/api/v1/payments/{pk}/letter/").status_code == 200
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact" in out.getvalue()


def test_a_campaigns_allocations_with_the_pages_figures_and_scope(
    officer, officer_b, finance, campaign, union_a, union_b, administrator, walk
):
    from decimal import Decimal

    services.allocate_campaign(
        campaign, union_a, by=administrator, amount=Decimal("3000.00"), places=5
    )
    services.allocate_campaign(
        campaign, union_b, by=administrator, amount=Decimal("2000.00"), places=3
    )
    walk("approved")
    rows = token_client(finance).get(f"/api/v1/campaigns/{campaign.pk}/allocations/").json()
    by_union = {row["organisation"]: row for row in rows}
    assert by_union[union_a.pk]["approved"] == "500.00"
    assert by_union[union_a.pk]["remaining"] == "2500.00"
    assert by_union[union_a.pk]["places_left"] == 4
    own = token_client(officer).get(f"/api/v1/campaigns/{campaign.pk}/allocations/").json()
    assert [row["organisation"] for row in own] == [union_a.pk]


def test_a_history_address_with_a_nul_character_is_not_found(auditor, officer, walk):
    """PostgreSQL refuses NUL in a text parameter; the answer must still be a 404."""
    payment = walk("draft")
    client = token_client(auditor)
    assert client.get(f"/api/v1/history/payments.payment/{payment.pk}%00/").status_code == 404
