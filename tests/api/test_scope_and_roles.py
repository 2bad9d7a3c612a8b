"""The pages' scope and role rules, replayed through the API."""

from decimal import Decimal

import pytest

from accounts.roles import Role
from audits.models import AccessLog
from payments import services
from payments.models import Payment, PaymentStatus
from tests.factories import make_user
from tests.payments.factories import CampaignFactory, case_in

from .conftest import token_client

pytestmark = pytest.mark.django_db


def test_officer_of_one_union_gets_404_for_another_unions_records(officer, case_b, walk, officer_b):
    payment_b = walk("submitted", officer=officer_b, case=case_b)
    client = token_client(officer)
    for url in (
        f"/api/v1/people/{case_b.person_id}/",
        f"/api/v1/cases/{case_b.pk}/",
        f"/api/v1/payments/{payment_b.pk}/",
        f"/api/v1/organisations/{case_b.organisation_id}/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"
    assert client.post(f"/api/v1/payments/{payment_b.pk}/cancel/").status_code == 404
    assert AccessLog.objects.filter(action="out_of_scope", user=officer).count() == 5
    listed = client.get("/api/v1/people/").json()["results"]
    assert case_b.person_id not in {row["id"] for row in listed}


def test_officer_drafts_in_scope_but_not_for_another_unions_case(officer, case, case_b, campaign):
    client = token_client(officer)
    refused = client.post(
        "/api/v1/payments/", {"case": case_b.pk, "campaign": campaign.pk}, format="json"
    )
    assert refused.status_code == 404
    created = client.post(
        "/api/v1/payments/", {"case": case.pk, "campaign": campaign.pk}, format="json"
    )
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "draft" and created.json()["amount"] == "500.00"


def test_auditor_reads_everything_and_writes_nothing(auditor, walk, case, campaign):
    payment = walk("submitted")
    client = token_client(auditor)
    assert client.get(f"/api/v1/payments/{payment.pk}/").status_code == 200
    for url, body in (
        (f"/api/v1/payments/{payment.pk}/approve/", {}),
        (f"/api/v1/payments/{payment.pk}/reject/", {"reason": "x"}),
        ("/api/v1/payments/", {"case": case.pk, "campaign": campaign.pk}),
        ("/api/v1/people/", {"name": "张三"}),
    ):
        response = client.post(url, body, format="json")
        assert response.status_code == 403, url
        assert response.json()["error"]["code"] == "permission_denied"
    assert client.patch(f"/api/v1/people/{case.person_id}/", {"name": "李四"}).status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUBMITTED
    assert Payment.objects.count() == 1
    assert AccessLog.objects.filter(action="denied", user=auditor).count() == 5


def test_officer_cannot_approve_and_submitter_cannot_approve_own_payment(officer, case, campaign):
    payment = services.draft_payment(case, campaign, by=officer)
    services.submit_payment(payment, by=officer)
    response = token_client(officer).post(f"/api/v1/payments/{payment.pk}/approve/")
    assert response.status_code == 403  # an officer has no approval permission at all
    assert response.json()["error"]["code"] == "not_permitted"

    # One user holding both roles drafts, submits, then tries to approve: four-eyes refuses.
    both = make_user(Role.FINANCE, officer.organisation, username="officer_finance")
    both.groups.add(*officer.groups.all())
    own = services.draft_payment(case_in(officer.organisation, officer=officer), campaign, by=both)
    services.submit_payment(own, by=both)
    refused = token_client(both).post(f"/api/v1/payments/{own.pk}/approve/")
    assert refused.status_code == 409
    body = refused.json()["error"]
    assert body["code"] == "four_eyes"
    assert body["message"] == "起草或提交慰问金的人不能审批同一笔款项。"
    own.refresh_from_db()
    assert own.status == PaymentStatus.SUBMITTED
    assert AccessLog.objects.filter(action="four_eyes", user=both).exists()


def test_messages_are_chinese_by_default_and_english_on_request(officer, case_b):
    client = token_client(officer)
    zh = client.get(f"/api/v1/cases/{case_b.pk}/")
    assert zh.json()["error"]["message"] == "未找到，或不在您的管理范围内。"
    en = client.get(f"/api/v1/cases/{case_b.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert en.json()["error"]["message"] == "Not found, or outside your scope."
    assert en.headers["Content-Language"] == "en"


def test_budget_refusal_through_the_api_names_the_budget(
    finance, officer, union_a, federation, administrator
):
    small = CampaignFactory(
        organisation=federation, created_by=administrator, budget=Decimal("600.00")
    )
    first, second = (
        services.draft_payment(case_in(union_a, officer=officer), small, by=officer)
        for _ in range(2)
    )
    for p in (first, second):
        services.submit_payment(p, by=officer)
    client = token_client(finance, HTTP_ACCEPT_LANGUAGE="en")
    assert client.post(f"/api/v1/payments/{first.pk}/approve/").status_code == 200
    refused = client.post(f"/api/v1/payments/{second.pk}/approve/")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "budget_exceeded"
    assert "600" in refused.json()["error"]["message"]


def test_a_case_shows_its_hardship_file(officer, case):
    row = token_client(officer).get(f"/api/v1/cases/{case.pk}/").json()
    assert row["file_stage"] == "in_file"
    assert row["reviewed_for_year"] == case.reviewed_for_year
