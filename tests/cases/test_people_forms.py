"""Registering and editing people: services save them, bad input gets a field message."""

import datetime

import pytest
from django.urls import reverse

from cases.idnumbers import check_digit_for
from cases.models import Person
from tests.factories import PersonFactory
from tests.idnumbers import make_id_number

CREATE = reverse("cases:person_create")
VALID_ID = make_id_number(datetime.date(1982, 6, 5), "F", area="410105", sequence=7)


def form_data(organisation, **overrides):
    data = {
        "name": "刘芳",
        "gender": "F",
        "id_number": VALID_ID,
        "mobile": "13912340000",
        "organisation": organisation.pk,
        "position": "教师",
        "employment_status": "in_service",
        "household_size": "3",
        "household_monthly_income": "2400.00",
        "address": "金水路12号",
        "bank_name": "中国工商银行",
        "bank_account": "6222020200012345678",
        "is_frontline_medical": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def field_errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def test_officer_registers_a_person_with_derived_fields_and_history(client, officer, union_a):
    client.force_login(officer)
    response = client.post(CREATE, form_data(union_a))
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()
    assert person.birth_date == datetime.date(1982, 6, 5)
    assert person.id_tail == VALID_ID[-4:]
    assert person.per_capita_income == 800
    assert person.is_frontline_medical
    record = person.history.get()
    assert record.history_user == officer
    assert record.history_change_reason == "登记职工"


def test_lower_case_x_is_stored_upper_case(client, officer, union_a):
    body = "11010519491231002"
    number = body + check_digit_for(body)
    assert number.endswith("X")
    client.force_login(officer)
    client.post(CREATE, form_data(union_a, id_number=number.lower(), gender="F"))
    assert Person.objects.get().id_number == number


@pytest.mark.parametrize(
    ("id_number", "expected"),
    [
        (VALID_ID[:-1] + ("1" if VALID_ID[-1] != "1" else "2"), "校验位"),
        ("41010519820230" + "123" + check_digit_for("41010519820230123"), "不是真实的日期"),
        ("410105820605124", "15位旧版"),
        ("41010519820605A24X", "前17位必须是数字"),
        ("4101051982", "应为18位"),
        ("", "请填写身份证号"),
    ],
)
def test_invalid_id_numbers_get_a_clear_message_and_nothing_is_saved(
    client, officer, union_a, id_number, expected
):
    client.force_login(officer)
    response = client.post(CREATE, form_data(union_a, id_number=id_number))
    assert response.status_code == 200
    errors = field_errors(response, "id_number")
    assert len(errors) == 1 and expected in errors[0], errors
    assert not Person.objects.exists()


def test_duplicate_id_number_is_refused_even_across_unions(client, officer, union_a, union_b):
    PersonFactory(id_number=VALID_ID, gender="F", organisation=union_b)
    client.force_login(officer)
    response = client.post(CREATE, form_data(union_a))
    assert field_errors(response, "id_number") == [
        "该身份证号已登记，同一身份证号只能登记一人。请在职工名册中查找此人。"
    ]
    assert Person.objects.count() == 1


def test_gender_that_disagrees_with_the_id_number_is_refused(client, officer, union_a):
    client.force_login(officer)
    response = client.post(CREATE, form_data(union_a, gender="M"))
    assert "第17位" in field_errors(response, "gender")[0]
    assert not Person.objects.exists()


@pytest.mark.parametrize("mobile", ["1391234000", "23912340000", "139123400001", "abc", ""])
def test_malformed_mobile_is_refused(client, officer, union_a, mobile):
    client.force_login(officer)
    response = client.post(CREATE, form_data(union_a, mobile=mobile))
    assert field_errors(response, "mobile")
    assert not Person.objects.exists()


def test_over_long_name_is_refused(client, officer, union_a):
    client.force_login(officer)
    response = client.post(CREATE, form_data(union_a, name="张" * 51))
    assert "50" in field_errors(response, "name")[0]
    assert not Person.objects.exists()


@pytest.mark.parametrize("field", ["name", "position", "address", "bank_name"])
def test_html_and_script_in_text_are_refused(client, officer, union_a, field):
    client.force_login(officer)
    response = client.post(CREATE, form_data(union_a, **{field: "<script>alert(1)</script>"}))
    assert "HTML" in field_errors(response, field)[0]
    assert not Person.objects.exists()
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"bank_account": "6222-0202"}, "bank_account"),
        ({"bank_name": ""}, "bank_name"),
        ({"household_size": "0"}, "household_size"),
        ({"household_monthly_income": "-1"}, "household_monthly_income"),
    ],
)
def test_other_bad_values_are_refused_on_their_field(client, officer, union_a, overrides, field):
    client.force_login(officer)
    response = client.post(CREATE, form_data(union_a, **overrides))
    assert field_errors(response, field)
    assert not Person.objects.exists()


def test_officer_cannot_register_a_person_in_another_union(client, officer, union_b):
    client.force_login(officer)
    response = client.post(CREATE, form_data(union_b))
    assert field_errors(response, "organisation")
    assert not Person.objects.exists()


@pytest.mark.parametrize("role_fixture", ["auditor", "finance", "leader"])
def test_roles_that_do_not_register_people_are_refused(client, request, union_a, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data(union_a)).status_code == 403
    assert not Person.objects.exists()


def test_edit_keeps_the_id_number_and_account_when_left_blank(client, officer, union_a):
    person = PersonFactory(organisation=union_a, name="王五")
    old_id, old_account = person.id_number, person.bank_account
    client.force_login(officer)
    url = reverse("cases:person_edit", args=[person.pk])
    page = client.get(url).content.decode()
    assert old_id not in page and old_account not in page
    response = client.post(
        url,
        form_data(
            union_a,
            name="王五",
            gender=person.gender,
            id_number="",
            bank_account="",
            change_reason="更正岗位",
        ),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.id_number, person.bank_account, person.position) == (
        old_id,
        old_account,
        "教师",
    )
    latest = person.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (officer, "更正岗位")


def test_edit_refuses_an_id_number_already_used_by_someone_else(client, officer, union_a):
    first = PersonFactory(organisation=union_a)
    second = PersonFactory(organisation=union_a)
    client.force_login(officer)
    response = client.post(
        reverse("cases:person_edit", args=[second.pk]),
        form_data(union_a, id_number=first.id_number, gender=first.gender),
    )
    assert field_errors(response, "id_number")
    second.refresh_from_db()
    assert second.id_number != first.id_number


def test_officer_cannot_edit_a_person_of_another_union(client, officer, union_b):
    person = PersonFactory(organisation=union_b, name="赵六")
    client.force_login(officer)
    url = reverse("cases:person_edit", args=[person.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(union_b, name="改名")).status_code == 404
    person.refresh_from_db()
    assert person.name == "赵六"


def test_auditor_post_to_edit_is_refused_and_logged(client, auditor, union_a):
    from audits.models import AccessLog
    from core.access import AccessAction

    person = PersonFactory(organisation=union_a, name="赵六")
    client.force_login(auditor)
    url = reverse("cases:person_edit", args=[person.pk])
    assert client.post(url, form_data(union_a, name="改名")).status_code == 403
    person.refresh_from_db()
    assert person.name == "赵六"
    assert AccessLog.objects.filter(action=AccessAction.DENIED, user=auditor).exists()
