"""The roster import reads status, household, address and flags, and its preview lists, for each
updated person, which fields change from what to what (issue 15 item 9)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from cases.models import EmploymentStatus, Person
from cases.transfers.people import PEOPLE_OPTIONAL_COLUMNS, import_people, plan_people_import
from tests.audit_helpers import assert_audit_intact
from tests.factories import make_user

from .helpers import csv_bytes, roster_row

pytestmark = pytest.mark.django_db

FULL = tuple(roster_row(0, "")) + PEOPLE_OPTIONAL_COLUMNS


def full_row(n, org="EDU01", **extra):
    return roster_row(n, org, **extra)


def test_the_optional_columns_are_imported(union_a, officer):
    row = full_row(
        1,
        在职状态="退休",
        家庭人口="4",
        家庭月收入="2,400.50",
        住址="郑州市金水区农业路1号",
        抗疫一线医务人员="是",
        援鄂医疗队员="否",
        劳模="是",
        残疾="",
    )
    plan = import_people(csv_bytes([row], header=FULL), filename="a.csv", by=officer)
    assert plan.ok, plan.errors
    person = Person.objects.get()
    assert person.employment_status == EmploymentStatus.RETIRED
    assert person.household_size == 4
    assert person.household_monthly_income == Decimal("2400.50")
    assert person.address == "郑州市金水区农业路1号"
    assert (person.is_frontline_medical, person.is_hubei_team, person.is_model_worker) == (
        True,
        False,
        True,
    )
    assert person.is_disabled is False
    assert_audit_intact()


@pytest.mark.parametrize(
    ("column", "value", "fragment"),
    [
        ("在职状态", "离职", "应填“在职”或“退休”"),
        ("家庭人口", "0", "1到30之间的整数"),
        ("家庭人口", "3.5", "1到30之间的整数"),
        ("家庭月收入", "-1", "不小于0、最多两位小数的金额"),
        ("家庭月收入", "abc", "不小于0、最多两位小数的金额"),
        ("家庭月收入", "NaN", "不小于0、最多两位小数的金额"),
        ("家庭月收入", "10.005", "不小于0、最多两位小数的金额"),
        ("住址", "路" * 201, "超过上限200"),
        ("劳模", "也许", "应填“是”或“否”"),
    ],
)
def test_a_bad_optional_cell_names_row_column_and_reason_and_imports_nothing(
    union_a, officer, column, value, fragment
):
    rows = [full_row(1), full_row(2, **{column: value})]
    plan = import_people(csv_bytes(rows, header=FULL), filename="a.csv", by=officer)
    assert [(e.row, e.column) for e in plan.errors] == [(3, column)]
    assert fragment in plan.errors[0].message
    assert not Person.objects.exists()


def test_blank_optional_cells_change_nothing(union_a, officer):
    import_people(
        csv_bytes([full_row(1, 家庭人口="5", 劳模="是")], header=FULL), filename="a", by=officer
    )
    plan = import_people(csv_bytes([full_row(1)], header=FULL), filename="b", by=officer)
    person = Person.objects.get()
    assert plan.summary()["unchanged"] == 1
    assert person.household_size == 5 and person.is_model_worker


def test_the_plan_lists_each_changed_field_from_what_to_what(union_a, union_b, officer, federation):
    admin_scope = make_user(Role.CASE_OFFICER, federation)
    import_people(csv_bytes([full_row(1), full_row(2)], header=FULL), filename="a", by=admin_scope)
    changed = full_row(
        1,
        "HEA01",
        岗位="校长",
        银行账号="6222020000009999",
        家庭月收入="1800",
        在职状态="退休",
        援鄂医疗队员="是",
    )
    plan = plan_people_import(
        csv_bytes([changed, full_row(2)], header=FULL), filename="b", by=admin_scope
    )
    assert plan.summary()["updated"] == 1 and plan.summary()["unchanged"] == 1
    [person] = plan.summary()["changes"]
    assert person["row"] == 2 and person["name"] == "职工1"
    assert person["changes"] == [
        ["所在单位", "第一中学工会", union_b.name],
        ["岗位", "教师", "校长"],
        ["银行账号", "6222********0011", "6222********9999"],
        ["家庭月收入", "¥0.00", "¥1,800.00"],
        ["在职状态", "在职", "退休"],
        ["援鄂医疗队员", "否", "是"],
    ]


def test_the_preview_page_shows_the_changes(client, union_a, officer):
    import_people(csv_bytes([full_row(1)], header=FULL), filename="a", by=officer)
    client.force_login(officer)
    response = client.post(
        reverse("cases:people_import"),
        {"file": SimpleUploadedFile("b.csv", csv_bytes([full_row(1, 家庭人口="3")], header=FULL))},
    )
    page = response.content.decode()
    assert "将要更新的职工" in page and "data-import-changes" in page
    assert "<del>1</del>" in page and "<ins>3</ins>" in page
    assert Person.objects.get().household_size == 1


def test_an_officer_of_another_union_gets_no_changes_listed_for_people_outside_scope(
    client, union_a, officer, officer_b
):
    import_people(csv_bytes([full_row(1)], header=FULL), filename="a", by=officer)
    plan = plan_people_import(
        csv_bytes([full_row(1, "HEA01", 家庭人口="3")], header=FULL), filename="b", by=officer_b
    )
    assert not plan.ok and plan.summary()["changes"] == []
    assert "管辖范围以外" in plan.errors[0].message
