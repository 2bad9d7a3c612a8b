"""Reading the people roster: each row checked and normalised on its own, no database.

`read_rows` turns a parsed table into candidates (ID number, field values, organisation key)
and row errors; matching them against existing people and organisations, and writing, is
`cases.transfers.people`.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from stdnum.cn import ric

from cases.idnumbers import PROVINCE_CODES, gender_of, validate_id_number, validate_mobile
from cases.models import Gender, Person
from cases.normalise import (
    looks_cut_by_excel_account,
    looks_cut_by_excel_id,
    normalise_number,
    normalise_text,
)

from .files import Table
from .people_more import MORE_COLUMNS, read_optional

COL_NAME, COL_ID, COL_GENDER, COL_MOBILE = "姓名", "身份证号", "性别", "手机号码"
COL_ORG, COL_POSITION, COL_BANK, COL_ACCOUNT = "所在单位", "岗位", "开户行", "银行账号"
PEOPLE_COLUMNS = (
    COL_NAME,
    COL_ID,
    COL_GENDER,
    COL_MOBILE,
    COL_ORG,
    COL_POSITION,
    COL_BANK,
    COL_ACCOUNT,
)
# Optional columns of the hardship file (the district's 低保 line applies; household figures).
COL_DISTRICT, COL_ADDRESS, COL_SIZE, COL_INCOME = "区县", "住址", "家庭人口", "家庭月收入"
# ...and the employment status and the four flags (cases.transfers.people_more).
PEOPLE_OPTIONAL_COLUMNS = (COL_DISTRICT, COL_ADDRESS, COL_SIZE, COL_INCOME, *MORE_COLUMNS)
ALL_PEOPLE_COLUMNS = PEOPLE_COLUMNS + PEOPLE_OPTIONAL_COLUMNS
MAX_HOUSEHOLD_SIZE = 30
# column -> (model field, maximum length)
_TEXT_FIELDS = {
    COL_NAME: ("name", 50),
    COL_MOBILE: ("mobile", 11),
    COL_POSITION: ("position", 50),
    COL_BANK: ("bank_name", 100),
    COL_ACCOUNT: ("bank_account", 32),
    COL_DISTRICT: ("district", 50),
    COL_ADDRESS: ("address", 200),
}
_NUMBER_COLUMNS = (COL_MOBILE, COL_ACCOUNT)
# model field -> the column it comes from, for the model's own errors
FIELD_COLUMNS = {name: column for column, (name, _limit) in _TEXT_FIELDS.items()} | {
    "id_number": COL_ID,
    "gender": COL_GENDER,
    "organisation": COL_ORG,
}
CUT_ID_MESSAGE = _lazy(
    "身份证号以000结尾，很可能已被Excel截成15位有效数字（其余补0）。请把该列设为“文本”格式，"
    "重新输入完整号码后再导入；若号码确实以000结尾，请在职工登记页面手工录入此人。"
)
CUT_ACCOUNT_MESSAGE = _lazy(
    "银行账号第15位以后全是0，很可能已被Excel截成15位有效数字。请把该列设为“文本”格式，"
    "重新输入完整账号后再导入；若账号确实如此，请在职工信息页面手工录入。"
)
_GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE, "M": Gender.MALE, "F": Gender.FEMALE}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_line(self) -> str:
        return _("第%(row)d行，%(column)s：%(message)s") % {
            "row": self.row,
            "column": self.column or _("整行"),
            "message": self.message,
        }


@dataclass
class PeoplePlan:
    """What importing a file would do; `errors` non-empty means it must import nothing."""

    filename: str = ""
    rows: int = 0
    new: list[Person] = field(default_factory=list)
    updated: list[Person] = field(default_factory=list)
    updated_fields: set[str] = field(default_factory=set)
    # for the preview: row, name and [column, before, after] of the first updated people
    changes: list[dict] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def invalid_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> dict:
        return {
            "rows": self.rows,
            "new": len(self.new),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "invalid": self.invalid_rows,
            "changes": self.changes,
        }


@dataclass
class Candidate:
    number: int
    id_number: str
    values: dict[str, Any]  # model field -> non-empty value from the file
    org_key: str


_ID_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")
_EARLIEST_BIRTH = datetime.date(1880, 1, 1)


def _plainly_valid_id(number: str, today: datetime.date) -> bool:
    """The checks of `validate_id_number`, without building messages: True only for a number
    it accepts. Anything else goes to `validate_id_number` for its specific message."""
    if not _ID_SHAPE.match(number) or number[:2] not in PROVINCE_CODES:
        return False
    try:
        birth = birth_date_of_valid(number)
    except ValueError:
        return False
    return _EARLIEST_BIRTH <= birth <= today and ric.calc_check_digit(number) == number[-1]


def birth_date_of_valid(id_number: str) -> datetime.date:
    """The birth date of an ID number already validated (the same date birth_date_of gives,
    without parsing the number a second time)."""
    return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def _household_figures(number: int, cells: dict[str, str]) -> tuple[dict, list[RowError]]:
    """家庭人口 (a whole number of people) and 家庭月收入 (yuan, not negative), when given."""
    values: dict[str, Any] = {}
    errors = []
    size = cells.get(COL_SIZE, "").strip()
    if size:
        if not size.isascii() or not size.isdigit() or not 1 <= int(size) <= MAX_HOUSEHOLD_SIZE:
            errors.append(
                RowError(
                    number,
                    COL_SIZE,
                    _("应为1到%(max)d之间的整数，实际为“%(v)s”。")
                    % {"max": MAX_HOUSEHOLD_SIZE, "v": size},
                )
            )
        else:
            values["household_size"] = int(size)
    income = cells.get(COL_INCOME, "").strip().replace(",", "")
    if income:
        try:
            amount = Decimal(income)
        except InvalidOperation:
            amount = None
        if (
            amount is None
            or not amount.is_finite()
            or amount < 0
            or amount >= Decimal("1e10")
            or amount != amount.quantize(Decimal("0.01"))
        ):
            errors.append(
                RowError(
                    number,
                    COL_INCOME,
                    _("应为不小于0、最多两位小数的金额（元），实际为“%(v)s”。") % {"v": income},
                )
            )
        else:
            values["household_monthly_income"] = amount.quantize(Decimal("0.01"))
    return values, errors


def _first_message(error: ValidationError) -> str:
    return str(error.messages[0])


def read_rows(
    table: Table, plan: PeoplePlan, progress
) -> tuple[list[Candidate], list[tuple[int, str]]]:
    """Check each row on its own; collect what the set checks need.

    Rows with errors are not candidates, but their organisation cell is still returned so that
    an unknown or out-of-scope organisation is reported with the row's other errors.
    """
    candidates: list[Candidate] = []
    rejected_org_keys: list[tuple[int, str]] = []
    first_row_of: dict[str, int] = {}
    errors = plan.errors
    today = timezone.localdate()
    for row in table.rows:
        cells = row.cells
        if not any(cells.values()):
            continue
        plan.rows += 1
        number = row.number
        values: dict[str, str] = {}
        bad = False
        id_number = normalise_number(cells.get(COL_ID, ""))
        if not id_number:
            errors.append(RowError(number, COL_ID, _("必填，不能为空。")))
            bad = True
        elif COL_ID in row.numeric:
            errors.append(
                RowError(
                    number,
                    COL_ID,
                    _(
                        "身份证号被存成了数字，末尾几位可能已丢失；请把该列设为“文本”格式后重新填写。"
                    ),
                )
            )
            bad = True
        else:
            try:
                if not _plainly_valid_id(id_number, today):
                    validate_id_number(id_number)
            except ValidationError as error:
                errors.append(RowError(number, COL_ID, _first_message(error)))
                bad = True
            else:
                if id_number in first_row_of:
                    errors.append(
                        RowError(
                            number,
                            COL_ID,
                            _("身份证号与第%(row)d行重复。") % {"row": first_row_of[id_number]},
                        )
                    )
                    bad = True
                elif looks_cut_by_excel_id(id_number):
                    errors.append(RowError(number, COL_ID, str(CUT_ID_MESSAGE)))
                    bad = True
                else:
                    first_row_of[id_number] = number
        for column, (name, limit) in _TEXT_FIELDS.items():
            text = cells.get(column, "")
            text = normalise_number(text) if column in _NUMBER_COLUMNS else normalise_text(text)
            if not text:
                continue
            if len(text) > limit:
                errors.append(
                    RowError(
                        number,
                        column,
                        _("长度为%(n)d个字符，超过上限%(limit)d。")
                        % {"n": len(text), "limit": limit},
                    )
                )
                bad = True
                continue
            values[name] = text
        mobile = values.get("mobile")
        if mobile:
            try:
                validate_mobile(mobile)
            except ValidationError as error:
                errors.append(RowError(number, COL_MOBILE, _first_message(error)))
                bad = True
        account = values.get("bank_account")
        if account:
            if COL_ACCOUNT in row.numeric:
                errors.append(
                    RowError(
                        number,
                        COL_ACCOUNT,
                        _(
                            "银行账号被存成了数字，可能已丢失位数；请把该列设为“文本”格式后重新填写。"
                        ),
                    )
                )
                bad = True
            elif not (account.isascii() and account.isdigit()):
                errors.append(RowError(number, COL_ACCOUNT, _("银行账号只能包含数字。")))
                bad = True
            elif looks_cut_by_excel_account(account):
                errors.append(RowError(number, COL_ACCOUNT, str(CUT_ACCOUNT_MESSAGE)))
                bad = True
        figures, figure_errors = _household_figures(number, cells)
        values.update(figures)
        errors.extend(figure_errors)
        bad = bad or bool(figure_errors)
        more, more_errors = read_optional(cells)
        values.update(more)
        errors.extend(RowError(number, column, message) for column, message in more_errors)
        bad = bad or bool(more_errors)
        gender_text = cells.get(COL_GENDER, "")
        if gender_text:
            gender = _GENDERS.get(gender_text.upper())
            if gender is None:
                errors.append(RowError(number, COL_GENDER, _("应填“男”或“女”。")))
                bad = True
            elif id_number in first_row_of and gender_of(id_number) != gender:
                errors.append(
                    RowError(
                        number, COL_GENDER, _("性别与身份证号第17位不一致（奇数为男，偶数为女）。")
                    )
                )
                bad = True
            else:
                values["gender"] = gender
        if not bad:
            candidates.append(Candidate(number, id_number, values, cells.get(COL_ORG, "")))
        elif cells.get(COL_ORG, ""):
            rejected_org_keys.append((number, cells[COL_ORG]))
        if progress and plan.rows % 1000 == 0:
            progress(plan.rows, max(table.row_count, plan.rows))
    return candidates, rejected_org_keys
