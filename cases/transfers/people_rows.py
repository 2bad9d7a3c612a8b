"""Reading the people roster: each row checked and normalised on its own, no database.

`read_rows` turns a parsed table into candidates (ID number, field values, organisation key)
and row errors; matching them against existing people and organisations, and writing, is
`cases.transfers.people`.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric

from cases.idnumbers import (
    PROVINCE_CODES,
    gender_of,
    normalise_id_number,
    validate_id_number,
    validate_mobile,
)
from cases.models import Gender, Person

from .files import Table
from .people_more import OPTIONAL_COLUMNS, read_optional

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
ALL_PEOPLE_COLUMNS = PEOPLE_COLUMNS + OPTIONAL_COLUMNS
# column -> (model field, maximum length)
_TEXT_FIELDS = {
    COL_NAME: ("name", 50),
    COL_MOBILE: ("mobile", 11),
    COL_POSITION: ("position", 50),
    COL_BANK: ("bank_name", 100),
    COL_ACCOUNT: ("bank_account", 32),
}
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
    values: dict[str, object]  # model field -> non-empty value from the file
    org_key: str


_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
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
        values: dict[str, object] = {}
        bad = False
        id_number = normalise_id_number(cells.get(COL_ID, ""))
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
                else:
                    first_row_of[id_number] = number
        for column, (name, limit) in _TEXT_FIELDS.items():
            text = cells.get(column, "")
            if column == COL_ACCOUNT:
                text = text.replace(" ", "")
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
        mobile = str(values.get("mobile", ""))
        if mobile:
            try:
                validate_mobile(mobile)
            except ValidationError as error:
                errors.append(RowError(number, COL_MOBILE, _first_message(error)))
                bad = True
        account = str(values.get("bank_account", ""))
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
            elif not account.isdigit():
                errors.append(RowError(number, COL_ACCOUNT, _("银行账号只能包含数字。")))
                bad = True
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
        more, more_errors = read_optional(cells)
        for column, message in more_errors:
            errors.append(RowError(number, column, message))
            bad = True
        values.update(more)
        if not bad:
            candidates.append(Candidate(number, id_number, values, cells.get(COL_ORG, "")))
        elif cells.get(COL_ORG, ""):
            rejected_org_keys.append((number, cells[COL_ORG]))
        if progress and plan.rows % 1000 == 0:
            progress(plan.rows, max(table.row_count, plan.rows))
    return candidates, rejected_org_keys
