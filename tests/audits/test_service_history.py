"""The domain services leave exactly the history rows expected, indexed with user and reason,
and the resulting trail verifies; a four-eyes refusal shows up in the self-approval report."""

import io

import pytest
from django.core.management import call_command

from audits.models import ChangeEntry
from audits.reports import REPORTS
from core.errors import RuleViolation
from payments import services
from tests.payments.factories import CampaignFactory, case_in, payment_in_state

pytestmark = pytest.mark.django_db


def entries_of(obj):
    return list(
        ChangeEntry.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("history_id")
        .values_list("kind", "user__username", "reason")
    )


def test_a_paid_then_reversed_payment_has_one_entry_per_step_with_who_and_why(
    federation, administrator, officer, finance, finance2, leader
):
    campaign = CampaignFactory(organisation=federation, created_by=administrator)
    payment = payment_in_state(
        "paid", campaign=campaign, officer=officer, finance=finance, leader=leader
    )
    services.reverse_payment(payment, by=finance2, reason="重复发放")
    history = list(payment.history.order_by("history_id"))
    entries = entries_of(payment)
    assert len(entries) == len(history)
    assert [e[0] for e in entries] == [h.history_type for h in history]
    assert [e[1] for e in entries] == [
        h.history_user.username if h.history_user else None for h in history
    ]
    assert entries[0][1] == "officer_a"
    assert entries[-1] == ("~", "finance2", "重复发放")
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact" in out.getvalue()


def test_a_refused_self_approval_is_listed_in_the_report(
    federation, administrator, union_a, auditor
):
    from django.contrib.auth.models import Group

    from accounts.roles import Role
    from tests.factories import make_user

    both = make_user(Role.CASE_OFFICER, union_a, username="both_roles")
    both.groups.add(Group.objects.get(name=Role.FINANCE))
    campaign = CampaignFactory(organisation=federation, created_by=administrator)
    payment = services.draft_payment(case_in(union_a, officer=both), campaign, by=both)
    payment = services.submit_payment(payment, by=both)
    before = entries_of(payment)
    with pytest.raises(RuleViolation):
        services.approve_payment(payment, by=both)
    assert entries_of(payment) == before
    rows = [row.cells for row in REPORTS["self-approval"].rows(auditor)]
    assert len(rows) == 1
    assert payment.reference in rows[0][3] or f"#{payment.pk}" in rows[0][2]
