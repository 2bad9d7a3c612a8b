"""Payments through the API: the page's services, ETags, idempotency keys, cursor pages."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from api.models import IdempotencyKey
from audits.models import AccessLog
from core.access import AccessAction
from payments.models import Payment, PaymentStatus

from .conftest import token_client

pytestmark = pytest.mark.django_db


def test_draft_submit_approve_by_another_user_with_history(officer, finance, case, campaign):
    officer_api, finance_api = token_client(officer), token_client(finance)
    draft = officer_api.post(
        "/api/v1/payments/", {"case": case.pk, "campaign": campaign.pk}, format="json"
    )
    assert draft.status_code == 201
    pk = draft.json()["id"]
    assert officer_api.post(f"/api/v1/payments/{pk}/submit/").json()["status"] == "submitted"
    approved = finance_api.post(f"/api/v1/payments/{pk}/approve/")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert approved.json()["approved_by"] == finance.pk
    payment = Payment.objects.get(pk=pk)
    reasons = list(payment.history.order_by("history_date").values_list("history_change_reason"))
    assert [r[0] for r in reasons] == ["起草", "提交审批", "一级审批通过"]
    assert payment.history.latest().history_user == finance


def test_reject_needs_a_reason_and_changes_nothing_without_one(finance, walk):
    payment = walk("submitted")
    client = token_client(finance)
    refused = client.post(f"/api/v1/payments/{payment.pk}/reject/", {}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "reason_required"
    assert refused.json()["error"]["message"] == "驳回必须写明理由。"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUBMITTED
    done = client.post(f"/api/v1/payments/{payment.pk}/reject/", {"reason": "材料不全"})
    assert done.json()["status"] == "rejected"
    assert done.json()["rejection_reason"] == "材料不全"


def test_a_retried_draft_with_the_same_key_drafts_once(officer, case, campaign):
    client = token_client(officer)
    body = {"case": case.pk, "campaign": campaign.pk}
    first = client.post("/api/v1/payments/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/payments/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Payment.objects.count() == 1
    other = client.post(
        "/api/v1/payments/", {**body, "amount": "450.00"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"


def test_a_retried_approval_with_the_same_key_answers_as_the_first(finance, walk):
    payment = walk("submitted")
    client = token_client(finance)
    first = client.post(f"/api/v1/payments/{payment.pk}/approve/", HTTP_IDEMPOTENCY_KEY="a-1")
    again = client.post(f"/api/v1/payments/{payment.pk}/approve/", HTTP_IDEMPOTENCY_KEY="a-1")
    assert first.status_code == again.status_code == 200
    assert again.json()["status"] == "approved"
    assert payment.history.filter(history_change_reason="一级审批通过").count() == 1
    # Without the key, a second approval is a state error, as on the page.
    plain = client.post(f"/api/v1/payments/{payment.pk}/approve/")
    assert plain.status_code == 409 and plain.json()["error"]["code"] == "invalid_transition"


def test_a_refused_step_does_not_burn_its_key_and_keeps_its_access_log(officer, walk):
    payment = walk("submitted")
    officer.groups.add(Group.objects.get(name=Role.FINANCE))  # the submitter, now also finance
    client = token_client(officer)
    refused = client.post(f"/api/v1/payments/{payment.pk}/approve/", HTTP_IDEMPOTENCY_KEY="x")
    assert refused.status_code == 409
    assert AccessLog.objects.filter(action=AccessAction.FOUR_EYES, user=officer).count() == 1
    assert not IdempotencyKey.objects.exists()


def test_a_stale_if_match_is_refused_with_412(officer, finance, walk):
    payment = walk("draft")
    client = token_client(officer)
    etag = client.get(f"/api/v1/payments/{payment.pk}/").headers["ETag"]
    assert client.get(f"/api/v1/payments/{payment.pk}/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert (
        client.post(f"/api/v1/payments/{payment.pk}/submit/", HTTP_IF_MATCH=etag).status_code == 200
    )
    stale = client.post(f"/api/v1/payments/{payment.pk}/cancel/", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "precondition_failed"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUBMITTED


def test_list_filters_and_cursor_pages(finance, walk):
    for state in ("draft", "submitted", "submitted", "approved"):
        walk(state)
    client = token_client(finance)
    submitted = client.get("/api/v1/payments/", {"status": "submitted"}).json()
    assert [row["status"] for row in submitted["results"]] == ["submitted", "submitted"]
    page = client.get("/api/v1/payments/", {"page_size": 3}).json()
    assert len(page["results"]) == 3 and page["next"]
    rest = client.get(page["next"]).json()
    assert len(rest["results"]) == 1 and rest["next"] is None
    bad = client.get("/api/v1/payments/", {"status": "nope", "amount_min": "abc"})
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) >= {"amount_min"}


def test_payment_list_runs_a_fixed_number_of_queries(finance, walk, django_assert_num_queries):
    walk("submitted")
    client = token_client(finance)
    with django_assert_num_queries(6):
        client.get("/api/v1/payments/")
    for _ in range(5):
        walk("submitted")
    with django_assert_num_queries(6):
        assert len(client.get("/api/v1/payments/").json()["results"]) == 6
