import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.chinese import amount_in_capitals, amount_in_figures, date_in_chinese, parse_capitals

# Hand-checked against the PBOC rules (《正确填写票据和结算凭证的基本规定》) and its examples.
CAPITALS = [
    ("0.07", "人民币柒分"),
    ("0.50", "人民币伍角"),
    ("0.00", "人民币零元整"),
    ("1.00", "人民币壹元整"),
    ("10.00", "人民币壹拾元整"),
    ("15.00", "人民币壹拾伍元整"),
    ("10.02", "人民币壹拾元零贰分"),
    ("10.50", "人民币壹拾元零伍角"),  # 元 place zero before 角: the first form, with 零
    ("110.00", "人民币壹佰壹拾元整"),
    ("100.05", "人民币壹佰元零伍分"),
    ("325.04", "人民币叁佰贰拾伍元零肆分"),
    ("1005.00", "人民币壹仟零伍元整"),
    ("1200.00", "人民币壹仟贰佰元整"),
    ("1409.50", "人民币壹仟肆佰零玖元伍角"),
    ("1680.32", "人民币壹仟陆佰捌拾元零叁角贰分"),
    ("6007.14", "人民币陆仟零柒元壹角肆分"),
    ("10005.50", "人民币壹万零伍元伍角"),
    ("16409.02", "人民币壹万陆仟肆佰零玖元零贰分"),
    ("100000.00", "人民币壹拾万元整"),
    ("107000.53", "人民币壹拾万柒仟元零伍角叁分"),
    ("200300.00", "人民币贰拾万零叁佰元整"),
    ("100010000.00", "人民币壹亿零壹万元整"),
    ("100001000.00", "人民币壹亿零壹仟元整"),
    ("100100000.00", "人民币壹亿零壹拾万元整"),
    ("120000001.00", "人民币壹亿贰仟万零壹元整"),
    ("100000000.00", "人民币壹亿元整"),
    ("1000000000.00", "人民币壹拾亿元整"),
    ("123456789.12", "人民币壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分"),
]


@pytest.mark.parametrize(("amount", "expected"), CAPITALS)
def test_amounts_are_written_in_capitals_as_on_vouchers(amount, expected):
    assert amount_in_capitals(Decimal(amount)) == expected


@pytest.mark.parametrize(("amount", "expected"), CAPITALS)
def test_capitals_parse_back_to_the_amount(amount, expected):
    assert parse_capitals(expected) == Decimal(amount)


def test_integers_and_strings_are_accepted_and_the_prefix_is_optional():
    assert amount_in_capitals(1200) == "人民币壹仟贰佰元整"
    assert amount_in_capitals("1,201.5", prefix=False) == "壹仟贰佰零壹元伍角"


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-1.00", "负数"),
        ("1.005", "两位小数"),
        ("1000000000000", "过大"),
        ("abc", "无法识别"),
        ("NaN", "无法识别"),
    ],
)
def test_bad_amounts_are_refused_with_a_reason(amount, message):
    with pytest.raises(ValueError, match=message):
        amount_in_capitals(amount)


def test_floats_are_refused_because_they_have_lost_the_fen():
    with pytest.raises(TypeError):
        amount_in_capitals(0.1)


@pytest.mark.parametrize(
    "text", ["人民币壹仟贰", "人民币壹贰元", "人民币拾元", "人民币壹仟伍", "美元壹元"]
)
def test_malformed_capitals_are_refused(text):
    with pytest.raises(ValueError):
        parse_capitals(text)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**14 - 1))
def test_any_amount_in_fen_survives_the_round_trip(fen):
    amount = Decimal(fen) / 100
    capitals = amount_in_capitals(amount)
    assert parse_capitals(capitals) == amount
    assert "零零" not in capitals
    assert not capitals.endswith("零")
    # 整 exactly when there are no 角 and 分.
    assert capitals.endswith("整") == (fen % 100 == 0)


def test_figures_have_thousands_separators_and_two_decimals():
    assert amount_in_figures(Decimal("1200")) == "1,200.00"
    assert amount_in_figures("100010000.5") == "100,010,000.50"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2020, 6, 5), "二〇二〇年六月五日"),
        (datetime.date(2020, 10, 31), "二〇二〇年十月三十一日"),
        (datetime.date(2021, 11, 10), "二〇二一年十一月十日"),
        (datetime.date(2019, 12, 20), "二〇一九年十二月二十日"),
        (datetime.date(2000, 1, 1), "二〇〇〇年一月一日"),
        (datetime.date(2026, 2, 28), "二〇二六年二月二十八日"),
        (datetime.datetime(2020, 6, 15, 8, 30), "二〇二〇年六月十五日"),
    ],
)
def test_dates_are_written_in_chinese(value, expected):
    assert date_in_chinese(value) == expected


def test_a_date_must_be_a_date():
    with pytest.raises(TypeError):
        date_in_chinese("2020-06-05")
