"""Item 8 of issue 16: closed files read-only for the retention years, then listed and archived;
nothing is deleted and the audit trail stays intact."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.exceptions import CaseStateError, CaseworkNotAllowed, OutOfScope
from cases.models import Case, HardshipPolicy
from cases.services import (
    add_household_member,
    archive_file,
    exit_file,
    files_due_for_archiving,
    reopen_case,
)
from tests.audit_helpers import assert_audit_intact
from tests.factories import CaseFactory, make_id_number

from .factories import person_in, visit

pytestmark = pytest.mark.django_db


def closed_file(union_a, officer) -> Case:
    case = CaseFactory(person=person_in(union_a), opened_by=officer)
    exit_file(case, by=officer, exit_=False, reason="moved")
    return case


@pytest.fixture
def years_later(monkeypatch):
    """Move the clock `years` (and a few days) ahead, so nothing stored has to be rewritten."""
    start = timezone.now()

    def move(years: int) -> None:
        later = start + datetime.timedelta(days=365 * years + 5)
        monkeypatch.setattr(timezone, "now", lambda: later)

    return move


def test_files_past_their_retention_are_listed(union_a, officer, years_later):
    case = closed_file(union_a, officer)
    CaseFactory(person=person_in(union_a), opened_by=officer)  # live

    years_later(9)
    assert list(files_due_for_archiving(Case.objects.all())) == []
    years_later(10)
    assert list(files_due_for_archiving(Case.objects.all())) == [case]


def test_the_retention_years_are_the_federations(union_a, federation, officer, years_later):
    HardshipPolicy.objects.create(organisation=federation, retention_years=5)
    case = closed_file(union_a, officer)

    years_later(5)

    assert list(files_due_for_archiving(Case.objects.all())) == [case]


def test_archiving_marks_the_file_and_deletes_nothing(union_a, officer, years_later):
    case = closed_file(union_a, officer)
    years_later(10)
    rows = Case.objects.count()

    archive_file(case, by=officer, note="移交档案室")

    case.refresh_from_db()
    assert case.archived_by == officer
    assert case.history.latest().history_change_reason == "移交档案室"
    assert Case.objects.count() == rows
    assert list(files_due_for_archiving(Case.objects.all())) == []
    assert_audit_intact()


def test_a_file_within_its_retention_cannot_be_archived(union_a, officer, years_later):
    case = closed_file(union_a, officer)
    years_later(9)
    with pytest.raises(CaseStateError, match="只读保存至"):
        archive_file(case, by=officer)
    case.refresh_from_db()
    assert case.archived_at is None


def test_a_live_file_cannot_be_archived(union_a, officer):
    case = CaseFactory(person=person_in(union_a), opened_by=officer)
    with pytest.raises(CaseStateError, match="已结案"):
        archive_file(case, by=officer)


def test_other_unions_and_roles_cannot_archive(union_a, officer, officer_b, auditor, years_later):
    case = closed_file(union_a, officer)
    years_later(10)
    with pytest.raises(OutOfScope):
        archive_file(case, by=officer_b)
    with pytest.raises(CaseworkNotAllowed):
        archive_file(case, by=auditor)
    case.refresh_from_db()
    assert case.archived_at is None


def test_an_archived_file_is_read_only(union_a, officer, years_later):
    case = closed_file(union_a, officer)
    years_later(10)
    archive_file(case, by=officer)
    history = case.history.count()

    with pytest.raises(CaseStateError, match="已归档"):
        reopen_case(case, by=officer, reason="再次申请")
    with pytest.raises(CaseStateError):
        visit(case, officer)
    with pytest.raises(CaseStateError):
        add_household_member(
            case,
            by=officer,
            relation="spouse",
            name="李",
            id_number=make_id_number(datetime.date(1980, 1, 1), "F", sequence=3),
            monthly_income=Decimal("0"),
        )
    assert case.history.count() == history


def test_the_command_lists_then_archives(union_a, officer, years_later):
    case = closed_file(union_a, officer)
    years_later(11)
    out = StringIO()

    call_command("archive_files", stdout=out)
    assert f"{case.pk}\t" in out.getvalue()
    assert "1 files due for archiving" in out.getvalue()
    case.refresh_from_db()
    assert case.archived_at is None

    call_command("archive_files", "--archive", "--user", officer.username, stdout=StringIO())
    case.refresh_from_db()
    assert case.archived_by == officer
    assert_audit_intact()
