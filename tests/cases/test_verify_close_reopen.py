import datetime

import pytest
from django.utils import timezone

from cases.exceptions import (
    CaseStateError,
    CaseworkNotAllowed,
    DuplicateOpenCase,
    OutOfScope,
    ReasonRequired,
    VerificationNeedsVisit,
)
from cases.models import Case, CaseStatus
from cases.selectors_casework import review_overdue
from cases.services import close_case, reopen_case, verify_case
from tests.cases.factories import backdate, hardship_case, person_in, visit


@pytest.fixture
def person(union_a):
    return person_in(union_a)


@pytest.fixture
def case(person, officer):
    return backdate(hardship_case(person, officer), days=400)


def latest_history(case):
    return case.history.order_by("-history_date", "-history_id").first()


# --- verify ----------------------------------------------------------------------------------


def test_verifying_without_a_visit_is_refused_and_changes_nothing(case, officer):
    with pytest.raises(VerificationNeedsVisit) as error:
        verify_case(case, by=officer)

    assert "至少走访一次" in error.value.message
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert case.last_verified_on is None
    assert case.history.count() == 1


def test_a_case_is_verified_after_a_visit(case, officer):
    visit(case, officer, days_ago=2)

    verify_case(case, by=officer, note="入户核实属实")

    case.refresh_from_db()
    assert case.status == CaseStatus.VERIFIED
    assert case.last_verified_on == timezone.localdate()
    row = latest_history(case)
    assert row.history_user == officer
    assert row.history_change_reason == "入户核实属实"
    assert row.status == CaseStatus.VERIFIED


def test_the_yearly_review_needs_a_visit_since_the_last_verification(case, officer):
    visit(case, officer, days_ago=390)
    verify_case(case, by=officer)
    Case.objects.filter(pk=case.pk).update(
        last_verified_on=timezone.localdate() - datetime.timedelta(days=380)
    )
    case.refresh_from_db()
    assert case.is_review_overdue

    with pytest.raises(VerificationNeedsVisit) as error:
        verify_case(case, by=officer)
    assert "以来没有新的走访记录" in error.value.message

    visit(case, officer, days_ago=1)
    verify_case(case, by=officer)
    case.refresh_from_db()
    assert case.last_verified_on == timezone.localdate()
    assert not case.is_review_overdue


def test_a_closed_case_cannot_be_verified(case, officer):
    visit(case, officer)
    close_case(case, by=officer, reason="resolved")
    with pytest.raises(CaseStateError):
        verify_case(case, by=officer)


@pytest.mark.parametrize("role", ["auditor", "finance", "leader"])
def test_readers_cannot_verify(request, role, case, officer):
    visit(case, officer)
    with pytest.raises(CaseworkNotAllowed):
        verify_case(case, by=request.getfixturevalue(role))
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_an_officer_of_another_union_cannot_verify(case, officer, officer_b):
    visit(case, officer)
    with pytest.raises(OutOfScope):
        verify_case(case, by=officer_b)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


# --- review overdue ---------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "overdue"), [(364, False), (365, False), (366, True)])
def test_review_is_overdue_after_twelve_months(case, days, overdue):
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.VERIFIED,
        last_verified_on=timezone.localdate() - datetime.timedelta(days=days),
    )
    case.refresh_from_db()
    assert case.is_review_overdue is overdue
    assert review_overdue(Case.objects.all()).filter(pk=case.pk).exists() is overdue


def test_only_live_hardship_cases_fall_overdue(person, officer):
    from cases.services import open_case

    old = timezone.localdate() - datetime.timedelta(days=500)
    condolence = open_case(person, category="condolence", by=officer)
    Case.objects.filter(pk=condolence.pk).update(last_verified_on=old, status="verified")
    condolence.refresh_from_db()
    assert not condolence.is_review_overdue
    assert not review_overdue(Case.objects.all()).exists()


# --- close ------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", None])
def test_closing_without_a_reason_is_refused(case, officer, reason):
    with pytest.raises(ReasonRequired) as error:
        close_case(case, by=officer, reason=reason)
    assert error.value.message == "请选择结案原因。"
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_closing_with_an_unknown_reason_is_refused(case, officer):
    with pytest.raises(ReasonRequired):
        close_case(case, by=officer, reason="bored")


def test_closing_records_reason_note_and_who(case, officer):
    close_case(case, by=officer, reason="deceased", note="3月病故")

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closing_reason == "deceased"
    assert case.closing_note == "3月病故"
    assert case.closed_at is not None
    row = latest_history(case)
    assert row.history_user == officer
    assert row.history_change_reason == "已去世：3月病故"


def test_a_closed_case_cannot_be_closed_again(case, officer):
    close_case(case, by=officer, reason="moved")
    with pytest.raises(CaseStateError):
        close_case(case, by=officer, reason="moved")
    assert case.history.count() == 2


def test_an_auditor_cannot_close(case, auditor):
    with pytest.raises(CaseworkNotAllowed):
        close_case(case, by=auditor, reason="resolved")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


# --- reopen -----------------------------------------------------------------------------------


def test_reopening_needs_a_reason(case, officer):
    close_case(case, by=officer, reason="resolved")
    with pytest.raises(ReasonRequired):
        reopen_case(case, by=officer, reason="  ")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_only_a_closed_case_can_be_reopened(case, officer):
    with pytest.raises(CaseStateError):
        reopen_case(case, by=officer, reason="再次困难")


def test_reopening_returns_the_case_to_open_with_the_reason_in_history(case, officer):
    visit(case, officer)
    verify_case(case, by=officer)
    close_case(case, by=officer, reason="resolved", note="已就业")

    reopen_case(case, by=officer, reason="再次失业")

    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert case.closing_reason == "" and case.closing_note == "" and case.closed_at is None
    row = latest_history(case)
    assert row.history_user == officer
    assert row.history_change_reason == "返困：再次失业"  # a hardship file out of 脱困
    assert case.return_count == 1
    assert [r.status for r in case.history.order_by("history_date", "history_id")] == [
        "open",
        "verified",
        "closed",
        "open",
    ]


def test_reopening_is_refused_while_another_case_of_the_category_is_open(case, person, officer):
    close_case(case, by=officer, reason="resolved")
    newer = hardship_case(person, officer)

    with pytest.raises(DuplicateOpenCase) as error:
        reopen_case(case, by=officer, reason="再次困难")

    assert str(newer.pk) in error.value.message
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_an_officer_of_another_union_cannot_reopen(case, officer, officer_b):
    close_case(case, by=officer, reason="resolved")
    with pytest.raises(OutOfScope):
        reopen_case(case, by=officer_b, reason="x")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officers_closing_the_same_case_at_once_close_it_once(union_a, officer):
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    case = hardship_case(person_in(union_a), officer)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(reason):
        try:
            barrier.wait()
            close_case(Case.objects.get(pk=case.pk), by=officer, reason=reason)
            outcomes.append("closed")
        except CaseStateError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(r,)) for r in ("resolved", "moved")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["closed", "refused"]
    assert case.history.filter(status=CaseStatus.CLOSED).count() == 1
