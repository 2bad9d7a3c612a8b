"""Issue 15 items 11 and 12: gender and birth date come from the ID number as typed (refused
only when a chosen gender contradicts it); editing a person needs a reason; a change of income
that moves the suggested tier warns on the case; 核实个案 takes a note."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.models import Case, Person
from cases.tier_warnings import tier_warnings_for
from tests.audit_helpers import assert_audit_intact
from tests.cases.factories import hardship_case, person_in, poverty_line, visit
from tests.idnumbers import make_id_number

from .test_people_forms import CREATE, field_errors, form_data

WOMAN_ID = make_id_number(datetime.date(1988, 5, 12), "F", area="410105", sequence=3)


def test_a_new_person_form_has_no_gender_preselected(client, officer):
    client.force_login(officer)
    form = client.get(CREATE).context["form"]
    assert form["gender"].value() in (None, "")
    assert form.fields["gender"].choices[0] == ("", "由身份证号得出")


def test_gender_left_blank_is_taken_from_the_id_number(client, officer, union_a):
    client.force_login(officer)
    response = client.post(CREATE, form_data(union_a, gender="", id_number=WOMAN_ID))
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.gender, person.birth_date) == ("F", datetime.date(1988, 5, 12))


def test_a_gender_that_contradicts_the_id_number_is_refused_saying_why(client, officer, union_a):
    client.force_login(officer)
    response = client.post(CREATE, form_data(union_a, gender="M", id_number=WOMAN_ID))
    assert response.status_code == 200
    [message] = field_errors(response, "gender")
    assert "第17位是" in message and "应为“女”" in message
    assert not Person.objects.exists()


def test_the_form_shows_the_birth_date_read_from_the_id_number(client, officer, union_a):
    client.force_login(officer)
    response = client.post(CREATE, form_data(union_a, gender="M", id_number=WOMAN_ID))
    page = response.content.decode()
    assert "出生日期 1988-05-12" in page
    assert 'data-id-number=""' in page or "data-id-number " in page


def _edit(client, person, **overrides):
    data = form_data(
        person.organisation,
        name=person.name,
        gender=person.gender,
        id_number="",
        bank_account="",
        household_size=str(person.household_size),
        household_monthly_income=str(person.household_monthly_income),
    )
    data.update(overrides)
    return client.post(reverse("cases:person_edit", args=[person.pk]), data)


def test_editing_a_person_without_a_reason_is_refused_and_changes_nothing(client, officer, union_a):
    person = person_in(union_a, name="王五")
    client.force_login(officer)
    response = _edit(client, person, position="校长")
    assert response.status_code == 200
    assert field_errors(response, "change_reason") == ["请填写修改原因，它会记入该职工的变更记录。"]
    person.refresh_from_db()
    assert person.position == "" and person.history.count() == 1
    blank = _edit(client, person, position="校长", change_reason="   ")
    assert field_errors(blank, "change_reason")


def test_raising_income_out_of_hardship_warns_on_the_person_save_and_on_the_case(
    client, officer, union_a
):
    poverty_line(amount="1000.00")
    person = person_in(
        union_a, household_size=3, household_monthly_income=Decimal("2400.00"), name="李困"
    )
    case = hardship_case(person, officer, hardship_level="deep")
    assert case.suggested_level == "deep"
    client.force_login(officer)
    case_url = reverse("cases:case_detail", args=[case.pk])
    assert "tier-warning" not in client.get(case_url).content.decode()

    response = _edit(client, person, household_monthly_income="4500.00", change_reason="家属再就业")

    assert response.status_code == 302
    shown = [str(m) for m in response.wsgi_request._messages]
    assert any("由“深度困难”变为“相对困难”" in m for m in shown)
    page = client.get(case_url).content.decode()
    assert 'id="tier-warning"' in page
    assert "由“深度困难”变为“相对困难”，当前困难类别为“深度困难”" in page
    latest = Person.objects.get(pk=person.pk).history.latest()
    assert latest.history_change_reason == "家属再就业"
    assert_audit_intact()


def test_no_warning_once_the_level_matches_the_new_suggestion_or_without_a_line(officer, union_a):
    person = person_in(union_a, household_size=2, household_monthly_income=Decimal("1000.00"))
    hardship_case(person, officer, hardship_level="deep")
    assert tier_warnings_for(person) == []  # no 低保 line: nothing is suggested
    poverty_line(amount="1000.00")
    Case.objects.filter(person=person).update(suggested_level="deep")
    Person.objects.filter(pk=person.pk).update(household_monthly_income=Decimal("3000.00"))
    person.refresh_from_db()
    [warning] = tier_warnings_for(person)
    assert (warning.was, warning.now) == ("deep", "relative")
    Case.objects.filter(person=person).update(hardship_level="relative")
    assert tier_warnings_for(person) == []


def test_verifying_a_case_keeps_the_note_in_its_history(client, officer, union_a):
    case = hardship_case(person_in(union_a), officer)
    visit(case, officer)
    client.force_login(officer)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert 'name="note"' in page

    client.post(reverse("cases:case_verify", args=[case.pk]), {"note": "入户核实，情况属实"})

    case.refresh_from_db()
    assert case.status == "verified"
    assert case.history.latest().history_change_reason == "入户核实，情况属实"
    assert "入户核实，情况属实" in client.get(case.get_absolute_url()).content.decode()


def test_another_unions_officer_cannot_verify_with_a_note(client, officer_b, officer, union_a):
    case = hardship_case(person_in(union_a), officer)
    visit(case, officer)
    client.force_login(officer_b)
    response = client.post(reverse("cases:case_verify", args=[case.pk]), {"note": "越权"})
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == "open"


@pytest.mark.parametrize("income", ["-1", "abc"])
def test_bad_income_on_edit_changes_nothing(client, officer, union_a, income):
    person = person_in(union_a, household_monthly_income=Decimal("2000.00"))
    client.force_login(officer)
    response = _edit(client, person, household_monthly_income=income, change_reason="改收入")
    assert response.status_code == 200 and field_errors(response, "household_monthly_income")
    person.refresh_from_db()
    assert person.household_monthly_income == Decimal("2000.00")
