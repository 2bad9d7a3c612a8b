"""The hardship file's pages: the card on the case page, 公示, objections, approval, tier."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import FileStage

from .factories import hardship_case, person_in, visit
from .test_hardship_file import _days, publicised

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(union_a, officer):
    return hardship_case(person_in(union_a), officer)


def test_the_case_page_shows_the_file_and_the_next_step(client, officer, case):
    client.force_login(officer)

    response = client.get(case.get_absolute_url())

    body = response.content.decode()
    assert "困难职工档案" in body
    assert "申请中" in body
    assert reverse("cases:file_publicity", args=[case.pk]) in body
    assert reverse("cases:file_approve", args=[case.pk]) not in body


def test_the_officer_starts_the_publicity_after_a_home_visit(client, officer, case):
    visit(case, officer, kind="home")
    client.force_login(officer)
    today = timezone.localdate()
    url = reverse("cases:file_publicity", args=[case.pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {"starts_on": today, "ends_on": today + _days(10)})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.file_stage == FileStage.PUBLICISED


def test_a_refused_publicity_shows_why_and_changes_nothing(client, officer, case):
    visit(case, officer, kind="phone")
    client.force_login(officer)
    today = timezone.localdate()

    response = client.post(
        reverse("cases:file_publicity", args=[case.pk]),
        {"starts_on": today, "ends_on": today + _days(10)},
    )

    assert response.status_code == 400
    assert "电话走访不算" in response.content.decode()
    case.refresh_from_db()
    assert case.file_stage == FileStage.APPLIED


def test_a_too_short_publicity_is_shown_at_its_end_date(client, officer, case):
    visit(case, officer, kind="home")
    client.force_login(officer)
    today = timezone.localdate()

    response = client.post(
        reverse("cases:file_publicity", args=[case.pk]),
        {"starts_on": today, "ends_on": today + _days(1)},
    )

    assert response.status_code == 400
    assert "不少于" in " ".join(response.context["form"].errors["ends_on"])
    case.refresh_from_db()
    assert case.file_stage == FileStage.APPLIED


def test_the_leader_approves_from_the_case_page(client, officer, leader, union_a):
    case = publicised(person_in(union_a), officer)
    client.force_login(leader)

    page = client.get(case.get_absolute_url()).content.decode()
    assert reverse("cases:file_approve", args=[case.pk]) in page
    response = client.post(reverse("cases:file_approve", args=[case.pk]), {"opinion": "同意建档"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.file_stage == FileStage.IN_FILE
    timeline = client.get(case.get_absolute_url()).content.decode()
    assert "上级工会审批建档" in timeline
    assert "公示" in timeline


def test_the_grassroots_officer_is_told_the_upper_level_approves(client, officer, union_a):
    case = publicised(person_in(union_a), officer)
    client.force_login(officer)

    response = client.post(reverse("cases:file_approve", args=[case.pk]), {"opinion": "x"})

    assert response.status_code == 400
    assert "上级工会" in response.content.decode()
    case.refresh_from_db()
    assert case.file_stage == FileStage.PUBLICISED


@pytest.mark.parametrize("role", ["finance", "auditor"])
@pytest.mark.parametrize(
    "name", ["file_publicity", "file_objection", "file_approve", "file_tier", "file_review"]
)
def test_other_roles_are_refused_every_step(request, client, case, role, name):
    client.force_login(request.getfixturevalue(role))

    response = client.post(
        reverse(f"cases:{name}", args=[case.pk]), {"reason": "x", "opinion": "x"}
    )

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.file_stage == FileStage.APPLIED


@pytest.mark.parametrize(
    "name", ["file_publicity", "file_objection", "file_approve", "file_tier", "file_review"]
)
def test_another_union_gets_404(client, officer_b, case, name):
    client.force_login(officer_b)

    assert client.get(reverse(f"cases:{name}", args=[case.pk])).status_code == 404


def test_the_tier_page_changes_the_tier_with_its_reason(client, officer, case):
    client.force_login(officer)
    url = reverse("cases:file_tier", args=[case.pk])

    assert client.post(url, {"hardship_level": "deep", "reason": ""}).status_code == 400
    response = client.post(
        url, {"hardship_level": "deep", "causes": ["illness"], "reason": "配偶重病"}
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.hardship_level == "deep"
    assert case.history.first().history_change_reason == "配偶重病"


def test_an_objection_is_recorded_from_its_page(client, officer, union_a):
    case = publicised(person_in(union_a), officer)
    client.force_login(officer)

    response = client.post(
        reverse("cases:file_objection", args=[case.pk]), {"objection": "有人反映其有房产出租。"}
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert "房产出租" in case.publicity_objections


def test_household_members_and_expenses_are_added_and_removed_from_the_case_page(
    client, officer, case
):
    from cases.models import HouseholdMember, RigidExpense
    from tests.idnumbers import make_id_number

    client.force_login(officer)
    number = make_id_number(sequence=41)
    added = client.post(
        reverse("cases:member_add", args=[case.pk]),
        {
            "relation": "spouse",
            "name": "王芳",
            "id_number": number,
            "status": "unemployed",
            "monthly_income": "0",
            "health": "serious",
            "medical_insurance": "resident",
        },
    )
    assert added.status_code == 302
    client.post(
        reverse("cases:expense_add", args=[case.pk]),
        {"kind": "medical", "monthly_amount": "900", "note": "化疗"},
    )

    page = client.get(case.get_absolute_url()).content.decode()
    assert "王芳" in page and "化疗" in page
    assert number not in page  # masked

    member = HouseholdMember.objects.get()
    expense = RigidExpense.objects.get()
    url = reverse("cases:member_remove", args=[member.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "离婚"}).status_code == 302
    client.post(reverse("cases:expense_remove", args=[expense.pk]), {"reason": "已治愈"})
    assert not HouseholdMember.objects.exists() and not RigidExpense.objects.exists()


def test_a_member_of_another_file_is_refused_on_the_page(client, officer, case, union_a):
    from tests.idnumbers import make_id_number

    number = make_id_number(sequence=42)
    other = hardship_case(person_in(union_a), officer)
    data = {
        "relation": "child",
        "name": "x",
        "id_number": number,
        "status": "student",
        "monthly_income": "0",
        "health": "healthy",
        "medical_insurance": "resident",
    }
    client.force_login(officer)
    client.post(reverse("cases:member_add", args=[other.pk]), data)

    response = client.post(reverse("cases:member_add", args=[case.pk]), data)

    assert response.status_code == 400
    assert "一户只建一份档案" in response.content.decode()


def test_household_pages_of_another_union_are_404(client, officer, officer_b, case):
    from cases.services import add_rigid_expense

    expense = add_rigid_expense(case, by=officer, kind="rent", monthly_amount="500")
    client.force_login(officer_b)

    assert client.get(reverse("cases:member_add", args=[case.pk])).status_code == 404
    assert client.get(reverse("cases:expense_remove", args=[expense.pk])).status_code == 404
