"""The hardship file lifecycle: application → home visit → 公示 → upper-level approval → in file."""

import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from cases.exceptions import (
    CaseStateError,
    CaseworkNotAllowed,
    FileApprovalNotAllowed,
    FileNeedsHomeVisit,
    InvalidCaseData,
    OutOfScope,
    ReasonRequired,
)
from cases.models import Case, CaseStatus, FileStage
from cases.selectors import person_has_current_file
from cases.services import (
    approve_file,
    change_file_tier,
    close_case,
    record_publicity_objection,
    reopen_case,
    start_publicity,
)
from tests.factories import make_user

from .factories import backdate, hardship_case, person_in, visit

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today


def _days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _week() -> datetime.timedelta:
    """A 公示 of seven days, both ends included."""
    return _days(6)


def application(person, officer, *, days_ago: int = 30) -> Case:
    """A hardship application made `days_ago` days ago (so visits and 公示 can lie in the past)."""
    case = backdate(hardship_case(person, officer), days_ago)
    Case.objects.filter(pk=case.pk).update(applied_on=_days_ago(days_ago))
    case.refresh_from_db()
    return case


def publicised(person, officer, *, objection: str = "") -> Case:
    case = application(person, officer)
    visit(case, officer, days_ago=25, kind="home")
    start_publicity(case, by=officer, starts_on=_days_ago(20), ends_on=_days_ago(14))
    if objection:
        record_publicity_objection(case, by=officer, objection=objection)
    return case


@pytest.fixture
def person(union_a):
    return person_in(union_a)


def test_opening_a_hardship_case_is_the_application(person, officer):
    case = hardship_case(person, officer)

    assert case.file_stage == FileStage.APPLIED
    assert case.applied_on == timezone.localdate()
    assert not person_has_current_file(person, timezone.localdate())


def test_other_categories_have_no_file(person, officer):
    from cases.services import open_case

    case = open_case(person, category="hubei_team", by=officer)

    assert case.file_stage == ""


def test_publicity_is_refused_without_any_visit(person, officer):
    case = application(person, officer)

    with pytest.raises(FileNeedsHomeVisit):
        start_publicity(case, by=officer, starts_on=_days_ago(5), ends_on=TODAY())

    case.refresh_from_db()
    assert case.file_stage == FileStage.APPLIED
    assert case.publicity_starts_on is None


def test_a_phone_call_does_not_count_as_the_home_visit(person, officer):
    case = application(person, officer)
    visit(case, officer, days_ago=3, kind="phone")
    visit(case, officer, days_ago=2, kind="workplace")

    with pytest.raises(FileNeedsHomeVisit, match="电话走访不算"):
        start_publicity(case, by=officer, starts_on=_days_ago(1), ends_on=TODAY() + _week())

    case.refresh_from_db()
    assert case.file_stage == FileStage.APPLIED


def test_a_home_visit_opens_the_publicity_with_its_dates_in_the_history(person, officer):
    case = application(person, officer)
    visit(case, officer, days_ago=3, kind="home")

    start_publicity(case, by=officer, starts_on=_days_ago(1), ends_on=_days_ago(1) + _week())

    case.refresh_from_db()
    assert case.file_stage == FileStage.PUBLICISED
    assert case.publicity_starts_on == _days_ago(1)
    latest = case.history.first()
    assert latest.history_user == officer
    assert "公示" in latest.history_change_reason


def test_a_publicity_shorter_than_the_minimum_is_refused(person, officer, settings):
    settings.RELIEF_PUBLICITY_MIN_DAYS = 5
    case = application(person, officer)
    visit(case, officer, days_ago=3, kind="home")

    with pytest.raises(InvalidCaseData, match="不少于 5 天"):
        start_publicity(case, by=officer, starts_on=_days_ago(1), ends_on=_days_ago(1) + _days(3))

    case.refresh_from_db()
    assert case.file_stage == FileStage.APPLIED


def test_the_upper_level_union_approves_after_the_publicity(person, officer, leader):
    case = publicised(person, officer)

    approve_file(case, by=leader, opinion="情况属实，同意建档。")

    case.refresh_from_db()
    assert case.file_stage == FileStage.IN_FILE
    assert case.file_approved_by == leader
    assert case.file_approved_on == timezone.localdate()
    assert case.reviewed_for_year == timezone.localdate().year
    assert case.status == CaseStatus.VERIFIED
    latest = case.history.first()
    assert latest.history_user == leader
    assert latest.history_change_reason == "情况属实，同意建档。"
    assert person_has_current_file(person, timezone.localdate())
    assert person_has_current_file(person.pk, timezone.localdate())


def test_the_file_is_not_current_for_a_year_it_was_not_reviewed_for(person, officer, leader):
    case = publicised(person, officer)
    approve_file(case, by=leader)

    next_year = datetime.date(timezone.localdate().year + 1, 3, 1)
    assert not person_has_current_file(person, next_year)
    assert not person_has_current_file(person, _days_ago(400))


def test_the_grassroots_union_cannot_approve_its_own_file(person, officer, union_a):
    case = publicised(person, officer)
    colleague = make_user(Role.CASE_OFFICER, union_a)

    with pytest.raises(FileApprovalNotAllowed, match="上级工会"):
        approve_file(case, by=colleague)

    case.refresh_from_db()
    assert case.file_stage == FileStage.PUBLICISED


def test_the_applicant_cannot_approve_even_from_above(person, federation, leader):
    upper_officer = make_user(Role.CASE_OFFICER, federation)
    case = publicised(person, upper_officer)

    with pytest.raises(FileApprovalNotAllowed, match="不能审批同一份档案"):
        approve_file(case, by=upper_officer)
    approve_file(case, by=leader)


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.FINANCE])
def test_roles_without_the_approval_cannot_approve(person, officer, federation, role):
    case = publicised(person, officer)

    with pytest.raises(FileApprovalNotAllowed):
        approve_file(case, by=make_user(role, federation))

    case.refresh_from_db()
    assert case.file_stage == FileStage.PUBLICISED


def test_another_branch_cannot_approve(person, officer, union_b):
    case = publicised(person, officer)

    with pytest.raises(FileApprovalNotAllowed, match="管辖范围"):
        approve_file(case, by=make_user(Role.LEADER, union_b))


def test_approval_waits_for_the_end_of_the_publicity(person, officer, leader):
    case = application(person, officer)
    visit(case, officer, days_ago=3, kind="home")
    start_publicity(case, by=officer, starts_on=_days_ago(2), ends_on=_days_ago(2) + _week())

    with pytest.raises(CaseStateError, match="公示期满后"):
        approve_file(case, by=leader)

    case.refresh_from_db()
    assert case.file_stage == FileStage.PUBLICISED


def test_an_application_not_yet_publicised_cannot_be_approved(person, officer, leader):
    case = application(person, officer)
    visit(case, officer, days_ago=3, kind="home")

    with pytest.raises(CaseStateError, match="公示中"):
        approve_file(case, by=leader)


def test_objections_must_be_answered_in_the_opinion(person, officer, leader):
    case = publicised(person, officer, objection="邻居反映其配偶有经营收入。")
    assert "经营收入" in case.publicity_objections

    with pytest.raises(ReasonRequired):
        approve_file(case, by=leader)
    case.refresh_from_db()
    assert case.file_stage == FileStage.PUBLICISED

    approve_file(case, by=leader, opinion="经核查，配偶经营已停业，异议不成立。")
    case.refresh_from_db()
    assert case.file_opinion.startswith("经核查")


def test_an_objection_needs_text(person, officer):
    case = publicised(person, officer)

    with pytest.raises(ReasonRequired):
        record_publicity_objection(case, by=officer, objection="  ")


def test_the_tier_changes_only_with_a_reason(person, officer, leader):
    case = publicised(person, officer)
    approve_file(case, by=leader)

    with pytest.raises(ReasonRequired):
        change_file_tier(case, by=officer, hardship_level="deep", reason="")
    case.refresh_from_db()
    assert case.hardship_level == "relative"

    change_file_tier(
        case, by=officer, hardship_level="deep", causes=["illness"], reason="配偶确诊重病"
    )
    case.refresh_from_db()
    assert (case.hardship_level, case.causes) == ("deep", ["illness"])
    latest = case.history.first()
    assert (latest.history_user, latest.history_change_reason) == (officer, "配偶确诊重病")


def test_the_tier_change_is_refused_outside_the_scope_and_for_other_roles(
    person, officer, officer_b, finance
):
    case = hardship_case(person, officer)

    with pytest.raises(OutOfScope):
        change_file_tier(case, by=officer_b, hardship_level="deep", reason="x")
    with pytest.raises(CaseworkNotAllowed):
        change_file_tier(case, by=finance, hardship_level="deep", reason="x")


def test_closing_the_file_records_how_it_left(person, officer, leader):
    case = publicised(person, officer)
    approve_file(case, by=leader)

    close_case(case, by=officer, reason="resolved")

    case.refresh_from_db()
    assert case.file_stage == FileStage.EXITED
    assert not person_has_current_file(person, timezone.localdate())


def test_a_reopened_file_goes_through_visit_publicity_and_approval_again(person, officer):
    other = person_in(person.organisation)
    case = hardship_case(other, officer)
    close_case(case, by=officer, reason="ineligible")
    case.refresh_from_db()
    assert case.file_stage == FileStage.WITHDRAWN

    reopen_case(case, by=officer, reason="家庭成员失业，重新申请")

    case.refresh_from_db()
    assert case.file_stage == FileStage.APPLIED
    with pytest.raises(FileNeedsHomeVisit):
        start_publicity(case, by=officer, starts_on=TODAY(), ends_on=TODAY() + _week())
