"""The household of a hardship file: members by ID number, rigid expenses, one file each."""

import datetime
from decimal import Decimal

import pytest

from cases.exceptions import (
    CaseStateError,
    CaseworkNotAllowed,
    HouseholdInAnotherFile,
    InvalidCaseData,
    OutOfScope,
    ReasonRequired,
)
from cases.models import HouseholdMember, RigidExpense
from cases.services import (
    add_household_member,
    add_rigid_expense,
    close_case,
    remove_household_member,
    remove_rigid_expense,
    reopen_case,
)
from tests.idnumbers import make_id_number

from .factories import hardship_case, jpeg_bytes, person_in, upload, visit

pytestmark = pytest.mark.django_db

CHILD = make_id_number(datetime.date(2010, 5, 4), "F", sequence=17)


@pytest.fixture
def case(union_a, officer):
    return hardship_case(person_in(union_a), officer)


def add_child(case, officer, number=CHILD, **kwargs):
    kwargs.setdefault("monthly_income", "0")
    kwargs.setdefault("status", "student")
    return add_household_member(
        case, by=officer, relation="child", name="李小梅", id_number=number, **kwargs
    )


def test_a_member_is_added_with_history(case, officer):
    member = add_child(case, officer, school_or_employer="市第一中学")

    assert member.case == case
    assert member.masked_id_number.endswith(CHILD[-4:])
    assert member.history.first().history_user == officer


def test_a_bad_id_number_is_refused_naming_the_field(case, officer):
    wrong = CHILD[:-1] + ("0" if CHILD[-1] != "0" else "1")

    with pytest.raises(InvalidCaseData) as refused:
        add_child(case, officer, number=wrong)

    assert refused.value.field == "id_number"
    assert not HouseholdMember.objects.exists()


def test_a_member_already_in_another_live_file_is_refused_naming_it(case, officer, union_a):
    add_child(case, officer)
    other = hardship_case(person_in(union_a), officer)

    with pytest.raises(HouseholdInAnotherFile) as refused:
        add_child(other, officer)

    message = refused.value.message
    assert case.person.name in message and str(case.pk) in message
    assert CHILD not in message  # masked
    assert HouseholdMember.objects.filter(case=other).count() == 0


def test_an_applicant_of_another_live_file_cannot_be_a_member(case, officer, union_a):
    other = hardship_case(person_in(union_a), officer)

    with pytest.raises(HouseholdInAnotherFile):
        add_household_member(
            other, by=officer, relation="spouse", name="x", id_number=case.person.id_number
        )


def test_a_second_file_for_a_member_of_a_live_file_is_refused(case, officer, union_a):
    spouse = person_in(union_a)
    add_household_member(
        case, by=officer, relation="spouse", name=spouse.name, id_number=spouse.id_number
    )

    with pytest.raises(HouseholdInAnotherFile, match=str(case.pk)):
        hardship_case(spouse, officer)


def test_a_member_of_a_closed_file_may_join_another(case, officer, union_a):
    add_child(case, officer)
    close_case(case, by=officer, reason="moved")
    other = hardship_case(person_in(union_a), officer)

    add_child(other, officer)

    assert HouseholdMember.objects.filter(id_number=CHILD).count() == 2


def test_reopening_a_file_whose_member_joined_another_is_refused(case, officer, union_a):
    add_child(case, officer)
    close_case(case, by=officer, reason="moved")
    add_child(hardship_case(person_in(union_a), officer), officer)

    with pytest.raises(HouseholdInAnotherFile):
        reopen_case(case, by=officer, reason="返困")


def test_the_applicant_is_not_their_own_member(case, officer):
    with pytest.raises(InvalidCaseData):
        add_household_member(
            case, by=officer, relation="other", name="x", id_number=case.person.id_number
        )


def test_the_same_member_twice_is_refused(case, officer):
    add_child(case, officer)
    with pytest.raises(InvalidCaseData, match="已登记"):
        add_child(case, officer)


def test_negative_income_and_unknown_choices_are_refused(case, officer):
    with pytest.raises(InvalidCaseData) as refused:
        add_child(case, officer, monthly_income="-1")
    assert refused.value.field == "monthly_income"
    with pytest.raises(InvalidCaseData) as refused:
        add_child(case, officer, status="astronaut")
    assert refused.value.field == "status"
    assert not HouseholdMember.objects.exists()


def test_members_only_on_hardship_files_in_scope_by_case_workers(
    union_a, officer, officer_b, finance, case
):
    from cases.services import open_case

    condolence = open_case(person_in(union_a), category="condolence", by=officer)
    with pytest.raises(CaseStateError):
        add_child(condolence, officer)
    with pytest.raises(OutOfScope):
        add_child(case, officer_b)
    with pytest.raises(CaseworkNotAllowed):
        add_child(case, finance)


def test_removing_a_member_needs_a_reason_kept_in_history(case, officer):
    member = add_child(case, officer)

    with pytest.raises(ReasonRequired):
        remove_household_member(member, by=officer, reason=" ")
    remove_household_member(member, by=officer, reason="已迁出另立户口")

    assert not HouseholdMember.objects.exists()
    gone = HouseholdMember.history.filter(id=member.pk).first()
    assert (gone.history_type, gone.history_change_reason) == ("-", "已迁出另立户口")


def test_a_rigid_expense_with_evidence_from_the_files_visit(case, officer, private_storage):
    home = visit(case, officer, attachments=[upload("bill.jpg", jpeg_bytes())])
    bill = home.attachments.get()

    expense = add_rigid_expense(
        case, by=officer, kind="medical", monthly_amount="800", note="透析", evidence=bill
    )

    assert expense.monthly_amount == Decimal("800.00")
    assert expense.evidence == bill


def test_evidence_from_another_file_is_refused(case, officer, union_a, private_storage):
    other = hardship_case(person_in(union_a), officer)
    bill = visit(other, officer, attachments=[upload("b.jpg", jpeg_bytes())]).attachments.get()

    with pytest.raises(InvalidCaseData) as refused:
        add_rigid_expense(case, by=officer, kind="medical", monthly_amount="10", evidence=bill)

    assert refused.value.field == "evidence"
    assert not RigidExpense.objects.exists()


def test_an_expense_must_be_positive_and_its_removal_explained(case, officer):
    with pytest.raises(InvalidCaseData):
        add_rigid_expense(case, by=officer, kind="rent", monthly_amount="0")
    expense = add_rigid_expense(case, by=officer, kind="rent", monthly_amount="600")

    with pytest.raises(ReasonRequired):
        remove_rigid_expense(expense, by=officer, reason="")
    remove_rigid_expense(expense, by=officer, reason="已搬入公租房")

    assert not RigidExpense.objects.exists()


def test_removing_what_a_colleague_just_removed_is_told_not_a_crash(case, officer):
    """Two officers remove the same line at once: the second one waits on the case lock and
    then finds it gone."""
    member = add_child(case, officer)
    expense = add_rigid_expense(case, by=officer, kind="rent", monthly_amount="600")
    remove_household_member(member, by=officer, reason="已迁出")
    remove_rigid_expense(expense, by=officer, reason="已搬家")

    with pytest.raises(CaseStateError, match="已被移除"):
        remove_household_member(member, by=officer, reason="已迁出")
    with pytest.raises(CaseStateError, match="已被删除"):
        remove_rigid_expense(expense, by=officer, reason="已搬家")
