import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.models import HardshipLevel, Person, PovertyLine
from cases.services import eligibility_of, suggest_hardship_level
from cases.services.eligibility import _suggest
from tests.cases.factories import person_in, poverty_line

YEAR = 2025
ON = datetime.date(YEAR, 6, 1)


@pytest.fixture
def line(db):
    return poverty_line(YEAR, "1000.00")


@pytest.mark.parametrize(
    ("income", "size", "expected"),
    [
        ("1999.98", 2, HardshipLevel.DEEP),  # 999.99 per head: below the line
        ("2000.00", 2, HardshipLevel.RELATIVE),  # exactly at the line: not below it
        ("2000.02", 2, HardshipLevel.RELATIVE),
        ("3999.98", 2, HardshipLevel.RELATIVE),  # just below twice the line
        ("4000.00", 2, ""),  # exactly twice the line: no suggestion
        ("4000.02", 2, ""),
        ("0.00", 1, HardshipLevel.DEEP),
    ],
)
def test_suggestion_at_the_boundaries(line, union_a, income, size, expected):
    person = person_in(union_a, household_size=size, household_monthly_income=Decimal(income))
    assert suggest_hardship_level(person, ON) == expected


def test_rounding_the_per_capita_income_never_moves_a_household_across_the_line(union_a):
    # 1000 / 3 = 333.333…, shown as 333.33. Against a line of 333.33 the true figure is above
    # the line (relative), although the rounded figure equals it.
    person = person_in(union_a, household_size=3, household_monthly_income=Decimal("1000.00"))
    poverty_line(YEAR, "333.33")
    assert person.per_capita_income == Decimal("333.33")
    assert suggest_hardship_level(person, ON) == HardshipLevel.RELATIVE
    PovertyLine.objects.filter(year=YEAR).update(monthly_amount=Decimal("333.34"))
    assert suggest_hardship_level(person, ON) == HardshipLevel.DEEP


def test_no_line_in_force_on_the_day_means_no_suggestion(line, union_a):
    person = person_in(union_a, household_size=4, household_monthly_income=Decimal("100"))
    before = datetime.date(YEAR - 1, 12, 31)
    assert suggest_hardship_level(person, before) == ""
    assert eligibility_of(person, before).line_known is False


def test_eligibility_figures_for_the_case_page(line, union_a):
    person = person_in(union_a, household_size=4, household_monthly_income=Decimal("5000.00"))
    figures = eligibility_of(person, ON)
    assert figures.per_capita_income == Decimal("1250.00")
    assert figures.line == Decimal("1000.00")
    assert figures.relative_line == Decimal("2000.00")
    assert figures.suggested_level == HardshipLevel.RELATIVE


@settings(max_examples=60, deadline=None)
@given(
    income=st.decimals(min_value=0, max_value=50000, places=2),
    size=st.integers(min_value=1, max_value=12),
    line=st.decimals(min_value=Decimal("0.01"), max_value=5000, places=2),
)
def test_suggestion_agrees_with_exact_per_capita_arithmetic(income, size, line):
    exact = Fraction(income) / size
    expected = (
        HardshipLevel.DEEP
        if exact < Fraction(line)
        else HardshipLevel.RELATIVE
        if exact < 2 * Fraction(line)
        else ""
    )
    assert _suggest(income, size, line) == expected


def test_administrators_edit_the_poverty_lines_with_history(client, administrator):
    client.force_login(administrator)
    response = client.post(
        "/admin/cases/povertyline/add/",
        {"year": "2026", "monthly_amount": "1120.00", "note": "市民政局2026年第3号文"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    line = PovertyLine.objects.get(year=2026)
    assert line.monthly_amount == Decimal("1120.00")
    assert line.history.get().history_user == administrator


def test_a_zero_poverty_line_is_refused_in_admin(client, administrator):
    client.force_login(administrator)
    response = client.post("/admin/cases/povertyline/add/", {"year": "2026", "monthly_amount": "0"})
    assert response.status_code == 200
    assert not PovertyLine.objects.exists()


def test_officers_cannot_edit_poverty_lines(client, officer):
    client.force_login(officer)
    response = client.post(
        "/admin/cases/povertyline/add/", {"year": "2026", "monthly_amount": "1120.00"}
    )
    assert response.status_code in (302, 403)
    assert not PovertyLine.objects.exists()
    assert Person.objects.count() == 0
