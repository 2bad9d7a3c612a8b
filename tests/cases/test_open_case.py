import threading
from decimal import Decimal

import pytest
from django.db import connection

from cases.exceptions import (
    CaseworkNotAllowed,
    DuplicateOpenCase,
    InvalidCaseData,
    OutOfScope,
)
from cases.models import Case, CaseCategory, CaseStatus
from cases.services import close_case, open_case, opening, verify_case
from tests.cases.factories import hardship_case, person_in, poverty_line, visit


@pytest.fixture
def person(union_a):
    return person_in(union_a, household_size=2, household_monthly_income=Decimal("1500.00"))


def test_officer_opens_a_case_and_history_records_who(person, officer):
    case = hardship_case(person, officer, causes=["illness"], summary="  长期患病  ")

    assert case.status == CaseStatus.OPEN
    assert case.organisation == person.organisation
    assert case.opened_by == officer
    assert case.summary == "长期患病"
    assert case.causes == ["illness"]
    row = case.history.get()
    assert row.history_type == "+"
    assert row.history_user == officer


def test_organisation_is_copied_from_the_person_at_opening(person, officer, union_a):
    case = hardship_case(person, officer)
    assert case.organisation_id == union_a.pk


def test_a_second_open_case_of_the_same_category_is_refused(person, officer):
    first = hardship_case(person, officer)

    with pytest.raises(DuplicateOpenCase) as error:
        hardship_case(person, officer)

    assert str(first.pk) in error.value.message
    assert "同类别的未结案个案" in error.value.message
    assert Case.objects.count() == 1


def test_a_verified_case_also_blocks_a_second_case_of_its_category(person, officer):
    case = hardship_case(person, officer)
    visit(case, officer)
    verify_case(case, by=officer)

    with pytest.raises(DuplicateOpenCase):
        hardship_case(person, officer)


def test_a_case_of_another_category_can_be_opened(person, officer):
    hardship_case(person, officer)
    other = open_case(person, category=CaseCategory.CONDOLENCE, by=officer)
    assert other.status == CaseStatus.OPEN


def test_a_new_case_can_be_opened_once_the_previous_one_is_closed(person, officer):
    first = hardship_case(person, officer)
    close_case(first, by=officer, reason="resolved")

    second = hardship_case(person, officer)

    assert second.pk != first.pk
    assert Case.objects.filter(person=person).count() == 2


def test_the_database_constraint_surfaces_as_a_readable_error(person, officer, monkeypatch):
    """Even when the check-before-insert misses a concurrent case, the constraint is readable."""
    hardship_case(person, officer)
    real = opening.live_case_of
    calls = []

    def miss_once(p, category):
        calls.append(1)
        return None if len(calls) == 1 else real(p, category)

    monkeypatch.setattr(opening, "live_case_of", miss_once)

    with pytest.raises(DuplicateOpenCase):
        hardship_case(person, officer)
    assert Case.objects.count() == 1


def test_a_person_outside_the_scope_is_refused(union_b, officer):
    stranger = person_in(union_b)

    with pytest.raises(OutOfScope) as error:
        hardship_case(stranger, officer)

    assert "管辖范围" in error.value.message
    assert not Case.objects.exists()


@pytest.mark.parametrize("role", ["auditor", "finance", "leader"])
def test_readers_cannot_open_cases(request, role, federation, union_a):
    user = request.getfixturevalue(role)
    with pytest.raises(CaseworkNotAllowed):
        hardship_case(person_in(union_a), user)
    assert not Case.objects.exists()


def test_the_hardship_level_defaults_to_the_suggestion(person, officer):
    poverty_line(amount="1000.00")  # 750 per head < 1000: deep

    case = open_case(person, category=CaseCategory.HARDSHIP, by=officer)

    assert case.hardship_level == "deep"
    assert case.suggested_level == "deep"
    assert case.level_override_reason == ""


def test_a_level_other_than_the_suggestion_needs_a_reason(person, officer):
    poverty_line(amount="1000.00")

    with pytest.raises(InvalidCaseData) as error:
        hardship_case(person, officer, hardship_level="relative")

    assert error.value.field == "level_override_reason"
    assert not Case.objects.exists()


def test_an_overridden_level_keeps_its_reason_in_the_case_and_the_history(person, officer):
    poverty_line(amount="1000.00")

    case = hardship_case(
        person, officer, hardship_level="relative", level_override_reason="配偶下月复工"
    )

    assert case.hardship_level == "relative"
    assert case.suggested_level == "deep"
    assert case.level_override_reason == "配偶下月复工"
    assert case.history.get().history_change_reason == "配偶下月复工"


def test_above_twice_the_line_a_level_needs_a_reason(union_a, officer):
    well_off = person_in(union_a, household_size=1, household_monthly_income=Decimal("5000"))
    poverty_line(amount="1000.00")

    with pytest.raises(InvalidCaseData) as error:
        open_case(well_off, category=CaseCategory.HARDSHIP, by=officer)
    assert "不低于相对困难线" in error.value.message

    case = hardship_case(well_off, officer, level_override_reason="大病支出远超收入")
    assert case.suggested_level == ""


def test_without_a_poverty_line_the_officer_must_choose_the_level(person, officer):
    with pytest.raises(InvalidCaseData) as error:
        open_case(person, category=CaseCategory.HARDSHIP, by=officer)
    assert "低保标准" in error.value.message

    case = hardship_case(person, officer, hardship_level="deep")
    assert case.level_override_reason == ""


def test_accident_induced_hardship_needs_its_cause_but_no_override_reason(person, officer):
    poverty_line(amount="1000.00")

    with pytest.raises(InvalidCaseData) as error:
        hardship_case(person, officer, hardship_level="accident")
    assert error.value.field == "causes"

    case = hardship_case(person, officer, hardship_level="accident", causes=["accident"])
    assert case.hardship_level == "accident"
    assert case.level_override_reason == ""


def test_unknown_causes_are_refused(person, officer):
    with pytest.raises(InvalidCaseData):
        hardship_case(person, officer, causes=["laziness"])


def test_an_occasion_visit_needs_its_occasion(person, officer):
    with pytest.raises(InvalidCaseData) as error:
        open_case(person, category=CaseCategory.OCCASION, by=officer)
    assert error.value.field == "occasion"

    case = open_case(person, category=CaseCategory.OCCASION, by=officer, occasion="spring_festival")
    assert case.get_occasion_display() == "春节"


def test_a_hardship_level_on_another_category_is_refused(person, officer):
    with pytest.raises(InvalidCaseData):
        open_case(person, category=CaseCategory.FRONTLINE, by=officer, hardship_level="deep")
    assert not Case.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officers_opening_the_same_case_at_once_leave_one_case(union_a, officer):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    person = person_in(union_a)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        try:
            barrier.wait()
            hardship_case(person, officer)
            outcomes.append("ok")
        except DuplicateOpenCase:
            outcomes.append("duplicate")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["duplicate", "ok"]
    assert Case.objects.filter(person=person).count() == 1
