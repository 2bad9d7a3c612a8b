"""Item 2 of issue 16: 低保 lines per district with effective dates, the federation's
multiplier, rigid expenses deducted per member, 意外致困 by cause and loss, and the basis kept
with each decision."""

import datetime
from decimal import Decimal

import pytest

from cases.exceptions import InvalidCaseData
from cases.models import HardshipLevel, HardshipPolicy, PovertyLine
from cases.services import (
    add_household_member,
    add_rigid_expense,
    approve_file,
    change_file_tier,
    eligibility_of,
    file_figures,
    line_on,
    save_hardship_policy,
    save_poverty_line,
)
from tests.factories import make_id_number

from .factories import hardship_case, person_in, poverty_line
from .test_hardship_file import publicised

pytestmark = pytest.mark.django_db

MAY = datetime.date(2025, 5, 1)
AUGUST = datetime.date(2025, 8, 1)


@pytest.fixture
def lines(db):
    poverty_line(2025, "1000.00")  # city-wide from 1 January
    poverty_line(2025, "1200.00", district="金水区")
    poverty_line(2025, "1300.00", district="金水区", starts=datetime.date(2025, 7, 1))


def test_a_person_is_measured_against_the_line_of_their_district(lines, union_a):
    person = person_in(
        union_a, district="金水区", household_size=2, household_monthly_income=Decimal("2300")
    )

    figures = eligibility_of(person, MAY)

    assert figures.line == Decimal("1200.00")
    assert figures.suggested_level == HardshipLevel.DEEP  # 1150 per head < 1200


def test_a_district_without_its_own_line_uses_the_city_wide_one(lines, union_a):
    person = person_in(
        union_a, district="二七区", household_size=2, household_monthly_income=Decimal("2300")
    )

    figures = eligibility_of(person, MAY)

    assert figures.line == Decimal("1000.00")
    assert figures.suggested_level == HardshipLevel.RELATIVE


def test_the_line_in_force_on_the_date_counts(lines):
    assert line_on("金水区", MAY).monthly_amount == Decimal("1200.00")
    assert line_on("金水区", AUGUST).monthly_amount == Decimal("1300.00")
    assert line_on("金水区", datetime.date(2024, 12, 31)) is None


def test_the_relative_multiplier_is_the_federations(lines, union_a, federation, administrator):
    person = person_in(union_a, household_size=1, household_monthly_income=Decimal("1600"))
    assert eligibility_of(person, MAY).suggested_level == HardshipLevel.RELATIVE  # < 2 × 1000

    save_hardship_policy(
        HardshipPolicy(organisation=federation, relative_multiplier=Decimal("1.50")),
        by=administrator,
        reason="市总工会2025年第5号文",
    )

    figures = eligibility_of(person, MAY)
    assert figures.relative_line == Decimal("1500.00")
    assert figures.suggested_level == ""


def test_a_multiplier_of_one_or_less_is_refused(federation, administrator):
    with pytest.raises(InvalidCaseData, match="大于1"):
        save_hardship_policy(
            HardshipPolicy(organisation=federation, relative_multiplier=Decimal("1.00")),
            by=administrator,
        )

    assert not HardshipPolicy.objects.exists()


def test_only_the_root_federation_sets_the_policy(union_a, administrator):
    with pytest.raises(InvalidCaseData, match="总工会"):
        save_hardship_policy(HardshipPolicy(organisation=union_a), by=administrator)

    assert not HardshipPolicy.objects.exists()


def test_two_lines_from_the_same_day_in_one_district_are_refused(lines, administrator):
    duplicate = PovertyLine(
        year=2025,
        district="金水区",
        effective_from=datetime.date(2025, 7, 1),
        monthly_amount=Decimal("1350"),
    )
    with pytest.raises(InvalidCaseData, match="金水区 自 2025-07-01"):
        save_poverty_line(duplicate, by=administrator)

    assert PovertyLine.objects.filter(district="金水区").count() == 2


def test_an_effective_date_outside_the_year_is_refused(administrator):
    line = PovertyLine(
        year=2025, effective_from=datetime.date(2026, 1, 1), monthly_amount=Decimal("1000")
    )
    with pytest.raises(InvalidCaseData, match="不在 2025 年度内"):
        save_poverty_line(line, by=administrator)

    assert not PovertyLine.objects.exists()


def test_rigid_expenses_are_deducted_per_member(union_a, officer):
    poverty_line(amount="1000.00")
    person = person_in(union_a, household_size=1, household_monthly_income=Decimal("3300"))
    case = hardship_case(person, officer, hardship_level="relative", level_override_reason="x")
    add_household_member(
        case,
        by=officer,
        relation="spouse",
        name="李梅",
        id_number=make_id_number(datetime.date(1980, 2, 2), "F", sequence=7),
        monthly_income=Decimal("0"),
    )
    today = datetime.date.today()
    assert file_figures(case, today).suggested_level == HardshipLevel.RELATIVE  # 1650 per head

    add_rigid_expense(case, by=officer, kind="medical", monthly_amount=Decimal("1400"))

    figures = file_figures(case, today)
    assert figures.net_per_member == Decimal("950.00")
    assert figures.suggested_level == HardshipLevel.DEEP


def test_a_large_loss_from_an_accident_suggests_accident_hardship(union_a, officer):
    poverty_line(amount="1000.00")
    person = person_in(union_a, household_size=2, household_monthly_income=Decimal("6000"))
    today = datetime.date.today()

    small = eligibility_of(person, today, causes=["accident"], loss=Decimal("71999"))
    large = eligibility_of(person, today, causes=["accident"], loss=Decimal("72000"))
    other_cause = eligibility_of(person, today, causes=["education"], loss=Decimal("90000"))

    assert small.suggested_level == ""
    assert large.suggested_level == HardshipLevel.ACCIDENT
    assert other_cause.suggested_level == ""


def test_the_suggestion_and_its_inputs_are_stored_with_each_decision(union_a, officer, leader):
    poverty_line(amount="1000.00")
    person = person_in(
        union_a, district="金水区", household_size=2, household_monthly_income=Decimal("2500")
    )
    case = publicised(person, officer)
    assert case.tier_basis["suggested_level"] == "relative"  # stored at the application

    approve_file(case, by=leader, opinion="同意")
    assert case.tier_basis["line"] == "1000.00"
    assert case.tier_basis["household_size"] == 2

    change_file_tier(
        case,
        by=officer,
        hardship_level="accident",
        causes=["accident"],
        accident_loss=Decimal("50000"),
        reason="车祸致重伤",
    )
    case.refresh_from_db()
    assert case.tier_basis["accident_loss"] == "50000"
    assert case.history.latest().history_change_reason == "车祸致重伤"


def test_the_case_page_shows_the_suggestion_and_its_inputs(client, union_a, officer):
    poverty_line(amount="1000.00")
    person = person_in(union_a, household_size=2, household_monthly_income=Decimal("1500"))
    case = hardship_case(person, officer, hardship_level="deep")
    client.force_login(officer)

    page = client.get(case.get_absolute_url()).content.decode()

    assert "扣除刚性支出后人均" in page
    assert "相对困难线" in page
