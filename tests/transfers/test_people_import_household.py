"""Item 9 of issue 16: the roster import carries the file's fields (区县, 住址, 家庭人口,
家庭月收入) as optional columns, each bad cell named, and the export carries them back."""

from decimal import Decimal

import pytest

from cases.models import Person
from cases.transfers.people import PEOPLE_COLUMNS, PEOPLE_OPTIONAL_COLUMNS, import_people
from tests.audit_helpers import assert_audit_intact

from .helpers import csv_bytes, id_number, roster_row

pytestmark = pytest.mark.django_db

HEADER = PEOPLE_COLUMNS + PEOPLE_OPTIONAL_COLUMNS


def test_the_optional_columns_are_imported(union_a, officer):
    row = roster_row(
        1, "EDU01", 区县="金水区", 住址="文化路1号", 家庭人口="4", 家庭月收入="3,200.5"
    )

    plan = import_people(csv_bytes([row], header=HEADER), filename="a.csv", by=officer)

    assert plan.ok, plan.errors
    person = Person.objects.get(id_number=id_number(1, "M"))
    assert (person.district, person.address) == ("金水区", "文化路1号")
    assert person.household_size == 4
    assert person.household_monthly_income == Decimal("3200.50")
    assert_audit_intact()


def test_a_file_without_the_optional_columns_still_imports(union_a, officer):
    plan = import_people(csv_bytes([roster_row(1, "EDU01")]), filename="a.csv", by=officer)

    assert plan.ok
    assert Person.objects.get().household_size == 1


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("家庭人口", "0", "应为1到30之间的整数，实际为“0”"),
        ("家庭人口", "三", "应为1到30之间的整数"),
        ("家庭人口", "2.5", "应为1到30之间的整数"),
        ("家庭月收入", "-1", "应为不小于0、最多两位小数的金额"),
        ("家庭月收入", "12.345", "应为不小于0、最多两位小数的金额"),
        ("家庭月收入", "NaN", "应为不小于0、最多两位小数的金额"),
        ("区县", "区" * 51, "长度为51个字符，超过上限50"),
    ],
)
def test_a_bad_cell_is_named_and_nothing_is_imported(union_a, officer, column, value, message):
    rows = [roster_row(1, "EDU01"), roster_row(2, "EDU01", **{column: value})]

    plan = import_people(csv_bytes(rows, header=HEADER), filename="a.csv", by=officer)

    assert [(e.row, e.column) for e in plan.errors] == [(3, column)]
    assert message in plan.errors[0].message
    assert not Person.objects.exists()


def test_empty_household_cells_keep_the_stored_figures(union_a, officer):
    import_people(
        csv_bytes([roster_row(1, "EDU01", 家庭人口="3", 家庭月收入="1500")], header=HEADER),
        filename="a.csv",
        by=officer,
    )

    plan = import_people(
        csv_bytes([roster_row(1, "EDU01", 岗位="校医")], header=HEADER),
        filename="b.csv",
        by=officer,
    )

    assert plan.ok
    person = Person.objects.get()
    assert (person.household_size, person.household_monthly_income) == (3, Decimal("1500.00"))
    assert person.position == "校医"


def test_the_exports_carry_the_file_fields(client, officer, union_a):
    from django.urls import reverse

    from tests.factories import CaseFactory, PersonFactory

    from .test_exports import csv_rows, xlsx_rows

    person = PersonFactory(organisation=union_a, district="二七区", id_number=id_number(5, "M"))
    CaseFactory(person=person, accident_loss=Decimal("30000.00"))
    client.force_login(officer)

    people = csv_rows(client.get(reverse("cases:export", args=["people", "csv"])))
    cases = xlsx_rows(client.get(reverse("cases:export", args=["cases", "xlsx"])).content)

    assert people[1][people[0].index("区县")] == "二七区"
    header = cases[0]
    for column in ("建档状态", "意外损失金额（元）", "脱困/退档原因", "返困次数", "归档时间"):
        assert column in header, column
    assert cases[1][header.index("建档状态")] == "在档"
