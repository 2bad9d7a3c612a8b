"""`POST /api/v1/payments/bulk-approve/`: the same set-based service as the approval queue, one
result per id in order, refusals with their code and reason, scope and role enforced."""

import pytest

from payments.models import Payment, PaymentStatus
from tests.audit_helpers import assert_audit_intact

from .conftest import token_client

pytestmark = pytest.mark.django_db
URL = "/api/v1/payments/bulk-approve/"


def test_approves_each_and_names_every_refusal(finance, walk, case_b, officer_b):
    ok, draft = walk("submitted"), walk("draft")
    other = walk("submitted", case=case_b, officer=officer_b)

    response = token_client(finance).post(
        URL, {"payments": [ok.pk, draft.pk, 999_999, other.pk]}, format="json"
    )

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [ok.pk, draft.pk, 999_999, other.pk]
    assert [r["ok"] for r in results] == [True, False, False, True]
    assert results[0]["status"] == "approved" and results[0]["message"] == "已审批"
    assert results[1]["code"] == "invalid_transition" and "草稿" in results[1]["message"]
    assert results[2]["code"] == "not_found"
    assert Payment.objects.get(pk=ok.pk).approved_by == finance
    assert Payment.objects.get(pk=draft.pk).status == PaymentStatus.DRAFT
    assert_audit_intact()


def test_a_payment_outside_the_scope_is_not_found_and_unchanged(union_a, walk, case_b, officer_b):
    from accounts.roles import Role
    from tests.factories import make_user

    local_finance = make_user(Role.FINANCE, union_a, username="finance_local")
    other = walk("submitted", case=case_b, officer=officer_b)

    response = token_client(local_finance).post(URL, {"payments": [other.pk]}, format="json")

    assert response.json()["results"][0]["code"] == "not_found"
    assert Payment.objects.get(pk=other.pk).status == PaymentStatus.SUBMITTED


def test_an_officer_may_not_bulk_approve(officer, walk):
    payment = walk("submitted")

    response = token_client(officer).post(URL, {"payments": [payment.pk]}, format="json")

    assert response.status_code == 403
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUBMITTED


@pytest.mark.parametrize("body", [{}, {"payments": []}, {"payments": ["x"]}, {"payments": [0]}])
def test_bad_input_is_refused_with_the_field_named(finance, walk, body):
    payment = walk("submitted")

    response = token_client(finance).post(URL, body, format="json")

    assert response.status_code == 400
    assert "payments" in str(response.json())
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUBMITTED


def test_the_leader_second_approves_through_the_same_path(leader, walk):
    from decimal import Decimal

    payment = walk("approved", amount=Decimal("1500.00"))

    response = token_client(leader).post(URL, {"payments": [payment.pk]}, format="json")

    assert response.json()["results"][0]["status"] == "second_approved"
    assert Payment.objects.get(pk=payment.pk).second_approved_by == leader
