"""The yearly review (年度复核): a home visit in the window, the snapshot, the approval."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.exceptions import (
    CaseStateError,
    FileApprovalNotAllowed,
    FileNeedsHomeVisit,
    InvalidCaseData,
    ReasonRequired,
)
from cases.models import Case, CaseReview, CaseStatus, FileStage, Visit
from cases.selectors import person_has_current_file
from cases.services import (
    add_household_member,
    add_rigid_expense,
    approve_review,
    record_review,
)
from tests.idnumbers import make_id_number

from .factories import backdate, person_in, poverty_line, visit
from .test_hardship_file import publicised

pytestmark = pytest.mark.django_db


def this_year() -> int:
    return timezone.localdate().year


@pytest.fixture
def filed(union_a, officer, leader):
    """A file approved last year, so this year's payments wait for the review."""
    from cases.services import approve_file

    case = publicised(person_in(union_a), officer)
    approve_file(case, by=leader)
    last_year = timezone.localdate() - datetime.timedelta(days=365)
    Case.objects.filter(pk=case.pk).update(
        reviewed_for_year=this_year() - 1, last_verified_on=last_year, file_approved_on=last_year
    )
    Visit.objects.filter(case=case).update(visit_date=last_year - datetime.timedelta(days=30))
    return backdate(case, 500)


def test_a_review_without_a_home_visit_is_refused(filed, officer):
    visit(filed, officer, kind="phone")

    with pytest.raises(FileNeedsHomeVisit, match="电话走访不算"):
        record_review(filed, by=officer, year=this_year(), outcome="keep")

    assert not CaseReview.objects.exists()


def test_a_home_visit_before_the_window_does_not_count(filed, officer, settings):
    settings.RELIEF_REVIEW_WINDOW_DAYS = 30
    visit(filed, officer, kind="home", days_ago=31)

    with pytest.raises(FileNeedsHomeVisit):
        record_review(filed, by=officer, year=this_year(), outcome="keep")


def test_the_review_keeps_the_figures_and_waits_for_approval(filed, officer, leader):
    poverty_line(this_year(), "1000.00")
    add_household_member(
        filed, by=officer, relation="child", name="小明", id_number=make_id_number(sequence=7)
    )
    add_rigid_expense(filed, by=officer, kind="medical", monthly_amount="600")
    visit(filed, officer, kind="home")
    assert not person_has_current_file(filed.person, timezone.localdate())

    review = record_review(filed, by=officer, year=this_year(), outcome="keep", note="情况未变")

    assert (review.household_size, review.rigid_expenses) == (2, Decimal("600.00"))
    assert review.line == Decimal("1000.00")
    assert review.previous_level == review.decided_level == "relative"
    assert not person_has_current_file(filed.person, timezone.localdate())

    approve_review(review, by=leader)

    filed.refresh_from_db()
    assert filed.reviewed_for_year == this_year()
    assert person_has_current_file(filed.person, timezone.localdate())
    assert "年度复核" in filed.history.first().history_change_reason


def test_a_regrade_changes_the_tier_with_its_reason(filed, officer, leader):
    visit(filed, officer, kind="home")

    with pytest.raises(ReasonRequired):
        record_review(filed, by=officer, year=this_year(), outcome="regrade", decided_level="deep")
    with pytest.raises(InvalidCaseData):
        record_review(
            filed,
            by=officer,
            year=this_year(),
            outcome="regrade",
            decided_level="relative",
            note="x",
        )
    review = record_review(
        filed,
        by=officer,
        year=this_year(),
        outcome="regrade",
        decided_level="deep",
        note="配偶失业",
    )
    approve_review(review, by=leader)

    filed.refresh_from_db()
    assert filed.hardship_level == "deep"


@pytest.mark.parametrize(
    ("outcome", "stage"), [("exit", FileStage.EXITED), ("withdraw", FileStage.WITHDRAWN)]
)
def test_exit_and_withdrawal_close_the_file(filed, officer, leader, outcome, stage):
    visit(filed, officer, kind="home")
    review = record_review(
        filed, by=officer, year=this_year(), outcome=outcome, note="收入超过标准"
    )

    approve_review(review, by=leader)

    filed.refresh_from_db()
    assert (filed.status, filed.file_stage) == (CaseStatus.CLOSED, stage)
    assert not person_has_current_file(filed.person, timezone.localdate())


def test_the_grassroots_union_cannot_approve_its_review(filed, officer, union_a):
    from accounts.roles import Role
    from tests.factories import make_user

    visit(filed, officer, kind="home")
    review = record_review(filed, by=officer, year=this_year(), outcome="keep")

    with pytest.raises(FileApprovalNotAllowed):
        approve_review(review, by=make_user(Role.LEADER, union_a))

    review.refresh_from_db()
    assert not review.is_approved


def test_a_year_already_reviewed_or_pending_is_refused(filed, officer):
    visit(filed, officer, kind="home")
    record_review(filed, by=officer, year=this_year(), outcome="keep")

    with pytest.raises(CaseStateError, match="等待上级工会审批"):
        record_review(filed, by=officer, year=this_year(), outcome="keep")
    with pytest.raises(InvalidCaseData):
        record_review(filed, by=officer, year=this_year() - 1, outcome="keep")


def test_the_review_approval_page_is_404_outside_scope_and_403_for_other_roles(
    client, filed, officer, finance, union_b
):
    from django.urls import reverse

    from accounts.roles import Role
    from tests.factories import make_user

    visit(filed, officer, kind="home")
    review = record_review(filed, by=officer, year=this_year(), outcome="keep")
    url = reverse("cases:review_approve", args=[review.pk])

    client.force_login(make_user(Role.LEADER, union_b))
    assert client.post(url, {"opinion": ""}).status_code == 404
    client.force_login(finance)
    assert client.post(url, {"opinion": ""}).status_code == 403

    review.refresh_from_db()
    assert not review.is_approved
