"""Item 5 of issue 16: 脱困 and 退档 with reasons, follow-ups at 6 and 12 months, and 返困."""

import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from cases.exceptions import (
    CaseStateError,
    CaseworkNotAllowed,
    InvalidCaseData,
    OutOfScope,
    ReasonRequired,
)
from cases.models import Case, CaseStatus, ClosingReason, ExitFollowUp, FileStage
from cases.services import exit_file, reopen_case
from cases.services.exits import add_months, follow_ups_due
from tests.audit_helpers import assert_audit_intact
from tests.factories import CaseFactory, make_user

from .factories import person_in, visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def file(union_a, officer):
    return CaseFactory(person=person_in(union_a), opened_by=officer, organisation=union_a)


def _state(case):
    fresh = Case.objects.get(pk=case.pk)
    return (fresh.status, fresh.file_stage, fresh.history.count(), ExitFollowUp.objects.count())


def test_an_exit_closes_the_file_with_its_reason_and_schedules_two_follow_ups(file, officer):
    exit_file(file, by=officer, exit_=True, reason="employed", note="配偶在社区就业")

    file.refresh_from_db()
    today = timezone.localdate()
    assert (file.status, file.file_stage) == (CaseStatus.CLOSED, FileStage.EXITED)
    assert file.closing_reason == ClosingReason.RESOLVED
    assert (file.exit_reason, file.exited_on) == ("employed", today)
    assert file.history.latest().history_change_reason == "脱困：家庭成员就业（配偶在社区就业）"
    due = list(ExitFollowUp.objects.filter(case=file).values_list("months", "due_on"))
    assert due == [(6, add_months(today, 6)), (12, add_months(today, 12))]
    assert_audit_intact()


def test_a_withdrawal_schedules_no_follow_up(file, officer):
    exit_file(file, by=officer, exit_=False, reason="deceased", note="")

    file.refresh_from_db()
    assert file.file_stage == FileStage.WITHDRAWN
    assert file.closing_reason == ClosingReason.DECEASED
    assert not ExitFollowUp.objects.exists()


def test_death_is_a_withdrawal_not_an_exit(file, officer):
    before = _state(file)
    with pytest.raises(InvalidCaseData, match="应办理退档"):
        exit_file(file, by=officer, exit_=True, reason="deceased")
    assert _state(file) == before


@pytest.mark.parametrize(("reason", "note"), [("", ""), ("lottery", ""), ("other", " ")])
def test_an_exit_needs_a_known_reason(file, officer, reason, note):
    before = _state(file)
    with pytest.raises(ReasonRequired):
        exit_file(file, by=officer, exit_=True, reason=reason, note=note)
    assert _state(file) == before


def test_other_unions_and_other_roles_cannot_exit_a_file(file, officer_b, finance, auditor):
    before = _state(file)
    with pytest.raises(OutOfScope):
        exit_file(file, by=officer_b, exit_=True, reason="employed")
    for user in (finance, auditor):
        with pytest.raises(CaseworkNotAllowed):
            exit_file(file, by=user, exit_=True, reason="employed")
    assert _state(file) == before


def test_only_a_file_in_file_can_exit(union_a, officer):
    application = CaseFactory(
        person=person_in(union_a), opened_by=officer, file_stage="applied", reviewed_for_year=None
    )
    with pytest.raises(CaseStateError, match="在档"):
        exit_file(application, by=officer, exit_=True, reason="employed")


def test_visits_after_the_exit_answer_the_follow_ups_in_turn(file, officer):
    exit_file(file, by=officer, exit_=True, reason="income_above_line")
    today = timezone.localdate()
    assert follow_ups_due(Case.objects.all(), add_months(today, 6)).count() == 1

    first = visit(file, officer, findings="半年回访：收入稳定。")
    second = visit(file, officer, kind="phone", findings="一年回访：仍稳定。")

    answered = dict(ExitFollowUp.objects.values_list("months", "visit_id"))
    assert answered == {6: first.pk, 12: second.pk}
    assert follow_ups_due(Case.objects.all(), add_months(today, 12)).count() == 0
    with pytest.raises(CaseStateError, match="已结案"):
        visit(file, officer, findings="多余的走访")


def test_a_return_reopens_the_same_file_and_is_counted_apart(file, officer):
    exit_file(file, by=officer, exit_=True, reason="employed")

    reopen_case(file, by=officer, reason="配偶再次失业")

    file.refresh_from_db()
    assert (file.status, file.file_stage) == (CaseStatus.OPEN, FileStage.APPLIED)
    assert (file.return_count, file.returned_on) == (1, timezone.localdate())
    assert file.history.latest().history_change_reason == "返困：配偶再次失业"
    assert Case.objects.count() == 1
    assert follow_ups_due(Case.objects.all(), datetime.date(2100, 1, 1)).count() == 0
    assert_audit_intact()


def test_reopening_a_withdrawn_file_is_not_a_return(file, officer):
    exit_file(file, by=officer, exit_=False, reason="moved")

    reopen_case(file, by=officer, reason="迁回本市")

    file.refresh_from_db()
    assert file.return_count == 0


def test_a_review_exit_keeps_its_reason_and_schedules_follow_ups(union_a, officer):
    from cases.services import approve_review, record_review

    file = CaseFactory(
        person=person_in(union_a),
        opened_by=officer,
        reviewed_for_year=timezone.localdate().year - 1,
    )
    visit(file, officer)
    review = record_review(
        file,
        by=officer,
        year=timezone.localdate().year,
        outcome="exit",
        note="子女工作后收入超过标准",
        exit_reason="income_above_line",
    )
    approve_review(review, by=make_user(Role.LEADER, union_a.parent))

    file.refresh_from_db()
    assert (file.file_stage, file.exit_reason) == (FileStage.EXITED, "income_above_line")
    assert ExitFollowUp.objects.filter(case=file).count() == 2
