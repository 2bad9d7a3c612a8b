"""Resident ID numbers: valid ones pass, every kind of invalid one fails with its own message."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.idnumbers import (
    PROVINCE_CODES,
    check_digit_for,
    gender_of,
    validate_id_number,
    validate_mobile,
)
from core.formatting import mask
from tests.idnumbers import make_id_number


def error_code(number: str) -> str:
    with pytest.raises(ValidationError) as raised:
        validate_id_number(number)
    return raised.value.code


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # the GB 11643 example, check digit X
        "110101199003070011",
        "44010619800101123" + check_digit_for("44010619800101123"),
        make_id_number(datetime.date(1970, 5, 17), "F", area="410102", sequence=17),
    ],
)
def test_valid_numbers_pass(number):
    validate_id_number(number)


def test_lower_case_x_and_spaces_are_accepted_after_normalising():
    validate_id_number(" 11010519491231002x ")


def test_zhengzhou_number_of_someone_born_before_the_county_code_existed_passes():
    # python-stdnum's birthplace check rejects this real pattern; ours must not.
    number = make_id_number(datetime.date(1970, 1, 1), "M", area="410122")
    validate_id_number(number)


def test_wrong_check_digit_is_refused():
    number = make_id_number(datetime.date(1980, 2, 3), "M")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert error_code(wrong) == "id_check_digit"


def test_impossible_birth_date_is_refused():
    body = "41010219800230123"  # 30 February
    assert error_code(body + check_digit_for(body)) == "id_birth_date"


def test_birth_date_in_the_future_is_refused():
    future = datetime.date.today() + datetime.timedelta(days=400)
    body = f"410102{future:%Y%m%d}123"
    assert error_code(body + check_digit_for(body)) == "id_birth_date"


def test_old_fifteen_digit_format_is_refused_with_its_own_message():
    with pytest.raises(ValidationError) as raised:
        validate_id_number("410102800101123")
    assert raised.value.code == "id_old_format"
    assert "15" in str(raised.value.messages[0])


@pytest.mark.parametrize(
    "number", ["41010219800101A23X", "4101021980O101123X", "ABCDEFGHIJKLMNOPQR"]
)
def test_letters_are_refused(number):
    assert error_code(number) == "id_characters"


@pytest.mark.parametrize("number", ["", "4101021980", "4101021980010112345"])
def test_wrong_length_is_refused(number):
    assert error_code(number) == "id_length"


def test_unknown_province_is_refused():
    body = "99010219800101123"
    assert error_code(body + check_digit_for(body)) == "id_province"


def test_gender_comes_from_the_seventeenth_digit():
    assert gender_of(make_id_number(datetime.date(1980, 1, 1), "M")) == "M"
    assert gender_of(make_id_number(datetime.date(1980, 1, 1), "F")) == "F"


def test_mask_keeps_region_and_tail_only():
    assert mask("410102198001011234") == "410102********1234"
    assert mask("6222020200012345678", keep_start=4, keep_end=4) == "6222***********5678"
    assert mask("") == ""


@pytest.mark.parametrize("mobile", ["1381234567", "23812345678", "138123456789", "138-1234-567"])
def test_malformed_mobiles_are_refused(mobile):
    with pytest.raises(ValidationError):
        validate_mobile(mobile)


def test_a_mobile_number_passes():
    validate_mobile("13812345678")


provinces = st.sampled_from(sorted(PROVINCE_CODES))
births = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31))
tails = st.integers(min_value=0, max_value=9999)


def build(province: str, tail: int, birth: datetime.date, order: int) -> str:
    body = f"{province}{tail:04d}{birth:%Y%m%d}{order:03d}"
    return body + check_digit_for(body)


@settings(max_examples=150, deadline=None)
@given(province=provinces, tail=tails, birth=births, order=st.integers(0, 999))
def test_any_number_built_with_a_correct_check_digit_passes(province, tail, birth, order):
    validate_id_number(build(province, tail, birth, order))


@settings(max_examples=200, deadline=None)
@given(
    province=provinces,
    tail=tails,
    birth=births,
    order=st.integers(0, 999),
    position=st.integers(0, 17),
    shift=st.integers(1, 9),
)
def test_any_single_digit_change_fails(province, tail, birth, order, position, shift):
    number = build(province, tail, birth, order)
    old = number[position]
    new = str(shift) if old == "X" else str((int(old) + shift) % 10)
    changed = number[:position] + new + number[position + 1 :]
    with pytest.raises(ValidationError):
        validate_id_number(changed)
