"""The nomination state machine: happy path with history, four eyes, wrong state and role."""

from decimal import Decimal

import pytest

from accounts.roles import Role
from audits.models import AccessLog
from recuperation import services
from recuperation.exceptions import (
    BudgetExceeded,
    FourEyesViolation,
    InvalidTransition,
    NotPermitted,
    OutOfScope,
    ReasonRequired,
)
from recuperation.models import Nomination, NominationStatus
from tests.factories import make_user

from .factories import TODAY, medical_person


def test_nominate_approve_confirm_attend_with_history(
    nominated, officer, approver, finance, session
):
    assert nominated.status == NominationStatus.NOMINATED
    assert nominated.organisation == nominated.quota.organisation
    services.approve_nomination(nominated, by=approver)
    services.confirm_nomination(nominated, by=officer)
    services.record_attendance(nominated, by=finance, attended=True, today=session.starts_on)
    nominated.refresh_from_db()
    assert nominated.status == NominationStatus.ATTENDED
    assert nominated.cost == Decimal("2800.00")
    assert nominated.decided_by == approver
    users = [h.history_user for h in nominated.history.order_by("history_id")]
    assert users == [officer, approver, officer, finance]
    assert all(h.history_change_reason for h in nominated.history.all())


def test_nominator_cannot_approve_own_nomination(quotas, session, nurse, federation):
    both = make_user(Role.CASE_OFFICER, federation, username="both")
    both.groups.add(*make_user(Role.LEADER, federation, username="l2").groups.all())
    nomination = services.nominate(session, nurse, by=both)
    both = type(both).objects.get(pk=both.pk)
    with pytest.raises(FourEyesViolation):
        services.approve_nomination(nomination, by=both)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.NOMINATED
    assert AccessLog.objects.filter(action="four_eyes", user=both).exists()


def test_union_officer_cannot_approve(nominated, officer_b):
    with pytest.raises(NotPermitted):
        services.approve_nomination(nominated, by=officer_b)
    assert Nomination.objects.get(pk=nominated.pk).status == NominationStatus.NOMINATED


def test_reject_needs_a_reason_and_frees_the_quota_place(
    nominated, approver, officer, session, union_a
):
    with pytest.raises(ReasonRequired):
        services.reject_nomination(nominated, by=approver, reason=" ")
    services.reject_nomination(nominated, by=approver, reason="名额优先一线")
    nominated.refresh_from_db()
    assert nominated.status == NominationStatus.REJECTED and nominated.reason == "名额优先一线"
    assert nominated.history.first().history_change_reason == "名额优先一线"
    # the place is free again: two more people of the union fit the quota of two
    services.nominate(session, medical_person(union_a), by=officer)
    services.nominate(session, medical_person(union_a), by=officer)


def test_declined_place_is_refilled_and_the_replacement_recorded(
    nominated, approver, officer, session, union_a
):
    services.approve_nomination(nominated, by=approver)
    services.decline_nomination(nominated, by=officer, reason="家中有事")
    replacement = services.nominate_replacement(
        nominated,
        medical_person(union_a, name="替补甲"),
        by=officer,
        today=session.registration_deadline
        + (session.starts_on - session.registration_deadline) // 2,
    )
    assert replacement.replaces == nominated
    assert "替补" in replacement.history.first().history_change_reason
    with pytest.raises(InvalidTransition, match="已经替补过"):
        services.nominate_replacement(nominated, medical_person(union_a), by=officer)
    services.approve_nomination(replacement, by=approver)
    assert replacement.status == NominationStatus.APPROVED


def test_only_a_declined_place_can_be_replaced(nominated, officer, union_a):
    with pytest.raises(InvalidTransition):
        services.nominate_replacement(nominated, medical_person(union_a), by=officer)


def test_wrong_state_changes_nothing(nominated, officer, finance, session):
    with pytest.raises(InvalidTransition):
        services.confirm_nomination(nominated, by=officer)
    with pytest.raises(InvalidTransition):
        services.record_attendance(nominated, by=finance, attended=True, today=session.starts_on)
    assert nominated.history.count() == 1


def test_other_union_cannot_record_the_answer(nominated, approver, officer_b):
    services.approve_nomination(nominated, by=approver)
    with pytest.raises(OutOfScope):
        services.confirm_nomination(nominated, by=officer_b)
    assert Nomination.objects.get(pk=nominated.pk).status == NominationStatus.APPROVED


def test_attendance_only_once_the_session_started(nominated, approver, officer, finance, session):
    services.approve_nomination(nominated, by=approver)
    services.confirm_nomination(nominated, by=officer)
    with pytest.raises(InvalidTransition, match="尚未开始"):
        services.record_attendance(nominated, by=finance, attended=True, today=TODAY)
    services.record_attendance(nominated, by=finance, attended=False, today=session.ends_on)
    assert nominated.status == NominationStatus.ABSENT and nominated.cost is None


def test_costs_never_exceed_the_programme_budget(
    nominated, approver, officer, finance, session, programme
):
    programme.budget = Decimal("3000.00")
    programme.save()
    services.approve_nomination(nominated, by=approver)
    services.confirm_nomination(nominated, by=officer)
    with pytest.raises(BudgetExceeded, match="超出预算"):
        services.record_attendance(
            nominated, by=finance, attended=True, cost=Decimal("3000.01"), today=session.starts_on
        )
    assert Nomination.objects.get(pk=nominated.pk).status == NominationStatus.CONFIRMED
    services.record_attendance(
        nominated, by=finance, attended=True, cost=Decimal("3000.00"), today=session.starts_on
    )
