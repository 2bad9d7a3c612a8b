import pytest
from django.urls import reverse

from payments.models import Campaign, CampaignStandard
from tests.audit_helpers import assert_audit_intact

pytestmark = pytest.mark.django_db


def test_administrator_creates_a_campaign_with_standards_in_the_admin(
    client, administrator, federation
):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:payments_campaign_add"),
        {
            "name": "2026年六一儿童节慰问",
            "year": 2026,
            "kind": "occasion",
            "organisation": federation.pk,
            "starts_on": "2026-05-20",
            "ends_on": "2026-06-10",
            "budget": "20000.00",
            "funding_source": "federation",
            "annual_cap": "3000.00",
            "second_approval_threshold": "1000.00",
            "status": "open",
            "standards-TOTAL_FORMS": "1",
            "standards-INITIAL_FORMS": "0",
            "standards-MIN_NUM_FORMS": "0",
            "standards-MAX_NUM_FORMS": "1000",
            "standards-0-category": "occasion",
            "standards-0-hardship_level": "",
            "standards-0-amount": "300.00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get()
    assert campaign.created_by == administrator
    assert campaign.history.get().history_user == administrator
    assert CampaignStandard.objects.get(campaign=campaign).amount == 300
    assert_audit_intact()


def test_payments_cannot_be_added_in_the_admin_even_by_a_superuser(client, federation):
    from tests.factories import make_user

    root = make_user(None, federation, is_staff=True, is_superuser=True)
    client.force_login(root)
    assert client.get(reverse("admin:payments_payment_add")).status_code == 403
    assert client.get(reverse("admin:payments_payment_changelist")).status_code == 200


def _approve_in_admin(client, user, payments):
    client.force_login(user)
    return client.post(
        reverse("admin:payments_payment_changelist"),
        {"action": "approve_selected", "_selected_action": [p.pk for p in payments]},
        follow=True,
    )


def test_finance_approves_selected_payments_in_the_admin_through_the_bulk_service(
    client, finance, walk
):
    from payments.models import Payment, PaymentStatus

    finance.is_staff = True
    finance.save(update_fields=["is_staff"])
    ok, draft = walk("submitted"), walk("draft")

    response = _approve_in_admin(client, finance, [ok, draft])

    shown = [str(m) for m in response.context["messages"]]
    assert "已审批 1 笔。" in shown
    assert any(m.startswith(draft.reference) and "草稿" in m for m in shown)
    assert Payment.objects.get(pk=ok.pk).status == PaymentStatus.APPROVED
    assert Payment.objects.get(pk=ok.pk).history.first().history_user == finance
    assert Payment.objects.get(pk=draft.pk).status == PaymentStatus.DRAFT
    assert_audit_intact()


def test_the_admin_offers_no_approval_to_a_user_without_the_permission(client, walk, federation):
    from payments.models import Payment, PaymentStatus
    from tests.factories import make_user

    payment = walk("submitted")
    auditor_like = make_user(None, federation, username="staff_auditor", is_staff=True)
    from django.contrib.auth.models import Permission

    auditor_like.user_permissions.add(Permission.objects.get(codename="view_payment"))

    response = _approve_in_admin(client, auditor_like, [payment])

    assert response.status_code == 200
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUBMITTED
    assert "approve_selected" not in response.content.decode()


def test_out_of_scope_payments_are_refused_in_the_admin_and_unchanged(
    client, union_a, walk, case_b, officer_b
):
    from accounts.roles import Role
    from payments.models import Payment, PaymentStatus
    from tests.factories import make_user

    local = make_user(Role.FINANCE, union_a, username="finance_local", is_staff=True)
    other = walk("submitted", case=case_b, officer=officer_b)

    response = _approve_in_admin(client, local, [other])

    shown = [str(m) for m in response.context["messages"]]
    assert any("不在您的管理范围内" in m for m in shown)
    assert Payment.objects.get(pk=other.pk).status == PaymentStatus.SUBMITTED
