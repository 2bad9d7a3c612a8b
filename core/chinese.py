"""Amounts in Chinese financial capitals and dates in Chinese, as written on vouchers and letters.

Capitals follow the People's Bank of China rules for writing amounts on settlement vouchers
(《支付结算办法》附件一《正确填写票据和结算凭证的基本规定》):

- every digit carries its unit; ten is written 壹拾 (also at the start: 壹拾伍元整);
- zeros between non-zero digits are written as one 零, however many there are, and also when
  the run of zeros crosses a 万 or 亿 section (壹亿零壹万元整, 壹万零伍元);
- where the rules allow both forms we take the first form the rules give:
  a zero in the 万 (or 亿) place followed by a non-zero 仟 is absorbed by the written 万
  (107000.53 → 壹拾万柒仟元零伍角叁分), and a zero in the 元 place followed by a non-zero 角
  is written (1680.32 → 壹仟陆佰捌拾元零叁角贰分);
- a zero 角 before a non-zero 分 is always written (325.04 → 叁佰贰拾伍元零肆分);
- 整 follows 元 when there are no 角 and 分; after 角 it is optional and not written
  (10005.50 → 壹万零伍元伍角); never after 分.

Amounts from 0 up to (but excluding) one 万亿 (10^12 yuan) are supported, with at most two
decimal places; anything else is refused with a `ValueError` whose message says why.
"""

import datetime
from decimal import Decimal, InvalidOperation

PREFIX = "人民币"
DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
SECTION_UNITS = {4: "万", 8: "亿"}
LIMIT = Decimal(10) ** 12

_DATE_DIGITS = "〇一二三四五六七八九"
_NUMERALS = "零一二三四五六七八九"


def _as_decimal(amount) -> Decimal:
    if isinstance(amount, (bool, float)):
        # A float has already lost the exact fen; the caller must pass a Decimal or a string.
        raise TypeError("金额必须是 Decimal、整数或字符串，不能是浮点数。")
    if isinstance(amount, Decimal):
        value = amount
    else:
        try:
            value = Decimal(str(amount).strip().replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"无法识别的金额：{amount!r}。") from None
    if not value.is_finite():
        raise ValueError(f"无法识别的金额：{amount!r}。")
    if value < 0:
        raise ValueError(f"金额不能为负数：{amount}。")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"金额最多两位小数（到分）：{amount}。")
    if value >= LIMIT:
        raise ValueError(f"金额过大，最多支持到千亿位：{amount}。")
    return value.quantize(Decimal("0.01"))


def amount_in_capitals(amount, *, prefix: bool = True) -> str:
    """`Decimal("1200.00")` → "人民币壹仟贰佰元整"."""
    value = _as_decimal(amount)
    fen_total = int(value * 100)
    integer, cents = divmod(fen_total, 100)
    jiao, fen = divmod(cents, 10)

    parts: list[str] = []
    pending_zero = False  # a run of zeros waits to be written as one 零
    digits = str(integer) if integer else ""
    width = len(digits)
    for index, char in enumerate(digits):
        position = width - 1 - index  # 0 = 元 place
        digit = int(char)
        if digit:
            if pending_zero:
                parts.append("零")
                pending_zero = False
            parts.append(DIGITS[digit] + SMALL_UNITS[position % 4])
        else:
            pending_zero = True
        if position in SECTION_UNITS:
            section = digits[max(0, index - 3) : index + 1]
            if int(section):
                parts.append(SECTION_UNITS[position])
                # A zero in the 万/亿 place is absorbed by the written unit.
                pending_zero = False
    if integer:
        parts.append("元")

    if jiao:
        if integer and pending_zero:
            parts.append("零")
        parts.append(DIGITS[jiao] + "角")
        if fen:
            parts.append(DIGITS[fen] + "分")
    elif fen:
        if integer:
            parts.append("零")
        parts.append(DIGITS[fen] + "分")
    elif integer:
        parts.append("整")
    else:
        parts.append("零元整")
    return (PREFIX if prefix else "") + "".join(parts)


def parse_capitals(text: str) -> Decimal:
    """ "人民币壹万零伍元伍角" → `Decimal("10005.50")`. Inverse of `amount_in_capitals`."""
    original = text
    text = text.strip()
    text = text.removeprefix(PREFIX)
    if text.endswith(("整", "正")):
        text = text[:-1]
    if not text:
        raise ValueError(f"不是大写金额：{original!r}。")
    small = {"拾": 10, "佰": 100, "仟": 1000}
    total = 0  # whole 亿 and 万 sections already closed
    section = 0  # the current four-digit section
    digit: int | None = None
    jiao = fen = 0
    for char in text:
        if char in DIGITS:
            if digit is not None and digit != 0:
                raise ValueError(f"数字“{char}”前缺少单位：{original!r}。")
            digit = DIGITS.index(char)
        elif char in small:
            if not digit:
                raise ValueError(f"单位“{char}”前缺少数字：{original!r}。")
            section += digit * small[char]
            digit = None
        elif char == "亿":
            total = (total + section + (digit or 0)) * 10**8
            section, digit = 0, None
        elif char == "万":
            total += (section + (digit or 0)) * 10**4
            section, digit = 0, None
        elif char == "元":
            total += section + (digit or 0)
            section, digit = 0, None
        elif char == "角":
            jiao, digit = digit or 0, None
        elif char == "分":
            fen, digit = digit or 0, None
        else:
            raise ValueError(f"大写金额中有无法识别的字“{char}”：{original!r}。")
    if digit:
        raise ValueError(f"大写金额末尾缺少单位：{original!r}。")
    if section:
        raise ValueError(f"大写金额缺少“元”：{original!r}。")
    return Decimal(total) + Decimal(jiao) / 10 + Decimal(fen) / 100 + Decimal("0.00")


def _small_number(n: int) -> str:
    """1–31 as read in dates: 十, 十一, 二十, 三十一."""
    tens, units = divmod(n, 10)
    if tens == 0:
        return _NUMERALS[units]
    head = "" if tens == 1 else _NUMERALS[tens]
    return head + "十" + (_NUMERALS[units] if units else "")


def date_in_chinese(value: datetime.date) -> str:
    """`date(2020, 6, 5)` → "二〇二〇年六月五日"."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        raise TypeError("日期必须是 datetime.date。")
    year = "".join(_DATE_DIGITS[int(c)] for c in f"{value.year:04d}")
    return f"{year}年{_small_number(value.month)}月{_small_number(value.day)}日"


def amount_in_figures(amount) -> str:
    """`Decimal("1200")` → "1,200.00" (thousands separated, always two decimals)."""
    return f"{_as_decimal(amount):,.2f}"
