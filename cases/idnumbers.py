"""Resident ID numbers (GB 11643-1999) and mobile numbers.

python-stdnum does the check-digit arithmetic and birth-date parsing. Its birthplace check is not
used on purpose: it ties county codes to birth years and so rejects real numbers of people born
before their county's code existed (DESIGN.md). We check the province prefix instead.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from cases.normalise import normalise_number

# First two digits: the provinces, autonomous regions and municipalities of GB/T 2260, plus
# 71 Taiwan, 81 Hong Kong, 82 Macau (residence permits) and 83 Taiwan residence permits.
PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)
# ASCII digits only: `\d` also matches full-width and other Unicode digits.
_ID_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


def normalise_id_number(value: str) -> str:
    return normalise_number(value)


def validate_id_number(value: str) -> None:
    """Raise ValidationError with a message saying exactly what is wrong.

    Full-width digits are refused here: input is normalised (`cases.normalise`) before it is
    validated, so a non-ASCII number reaching the model came by a path that skipped that."""
    if not (value or "").isascii():
        raise ValidationError(
            _("身份证号只能使用半角数字和字母X，不能含全角或其他字符。"), code="id_characters"
        )
    number = (value or "").strip().replace(" ", "").upper()
    if len(number) == 15 and number.isascii() and number.isdigit():
        raise ValidationError(_("这是15位旧版身份证号，请填写18位新版号码。"), code="id_old_format")
    if len(number) != 18:
        raise ValidationError(
            _("身份证号应为18位，当前为%(n)d位。"), code="id_length", params={"n": len(number)}
        )
    if not _ID_SHAPE.match(number):
        raise ValidationError(
            _("身份证号前17位必须是数字，最后一位是数字或X。"), code="id_characters"
        )
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError(
            _("身份证号前两位“%(code)s”不是有效的省级行政区划代码。"),
            code="id_province",
            params={"code": number[:2]},
        )
    try:
        birth = ric.get_birth_date(number)
    except Exception:
        raise ValidationError(
            _("身份证号中的出生日期“%(d)s”不是真实的日期。"),
            code="id_birth_date",
            params={"d": number[6:14]},
        ) from None
    if birth > timezone.localdate() or birth < datetime.date(1880, 1, 1):
        raise ValidationError(
            _("身份证号中的出生日期“%(d)s”不可能。"),
            code="id_birth_date",
            params={"d": number[6:14]},
        )
    if ric.calc_check_digit(number) != number[-1]:
        raise ValidationError(_("身份证号校验位不正确，请核对号码。"), code="id_check_digit")


def check_digit_for(body: str) -> str:
    """The check digit for the first 17 characters (python-stdnum's helper expects all 18)."""
    return ric.calc_check_digit(body[:17] + "0")


def birth_date_of(number: str) -> datetime.date:
    return ric.get_birth_date(normalise_id_number(number))


def gender_of(number: str) -> str:
    """'M' or 'F' from the 17th digit (odd: male)."""
    return "M" if int(normalise_id_number(number)[16]) % 2 else "F"


def validate_mobile(value: str) -> None:
    if not _MOBILE.match(value or ""):
        raise ValidationError(_("手机号码应为以1开头的11位数字（如13812345678）。"), code="mobile")
