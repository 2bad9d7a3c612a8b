"""The people roster import: validate the whole file in sets, then write it all or nothing.

Validation reads the database twice per 5,000 ID numbers (existing people) plus once for the
organisations the file names, never once per row; the write is one transaction of bulk inserts
and updates that still record history (simple-history's bulk helpers), with the importing user
and the file name as the reason.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
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
from cases.models import Gender, Organisation, Person
from cases.selectors import scope_path

from .bulk import bulk_create_with_fast_history, bulk_update_with_simple_history
from .files import FileRefused, Table, read_table

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
# column -> (model field, maximum length)
_TEXT_FIELDS = {
    COL_NAME: ("name", 50),
    COL_MOBILE: ("mobile", 11),
    COL_POSITION: ("position", 50),
    COL_BANK: ("bank_name", 100),
    COL_ACCOUNT: ("bank_account", 32),
}
_GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE, "M": Gender.MALE, "F": Gender.FEMALE}
_LOOKUP_CHUNK = 5_000
UPDATABLE_FIELDS = (
    "name",
    "gender",
    "mobile",
    "organisation_id",
    "position",
    "bank_name",
    "bank_account",
)


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
        }


@dataclass
class _Candidate:
    number: int
    id_number: str
    values: dict[str, str]  # model field -> non-empty value from the file
    org_key: str


_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_EARLIEST_BIRTH = datetime.date(1880, 1, 1)


def _plainly_valid_id(number: str, today: datetime.date) -> bool:
    """The checks of `validate_id_number`, without building messages: True only for a number
    it accepts. Anything else goes to `validate_id_number` for its specific message."""
    if not _ID_SHAPE.match(number) or number[:2] not in PROVINCE_CODES:
        return False
    try:
        birth = _birth_date(number)
    except ValueError:
        return False
    return _EARLIEST_BIRTH <= birth <= today and ric.calc_check_digit(number) == number[-1]


def _birth_date(id_number: str) -> datetime.date:
    """The birth date of an ID number already validated (the same date birth_date_of gives,
    without parsing the number a second time)."""
    return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def _first_message(error: ValidationError) -> str:
    return str(error.messages[0])


def _read_rows(
    table: Table, plan: PeoplePlan, progress
) -> tuple[list[_Candidate], list[tuple[int, str]]]:
    """Check each row on its own; collect what the set checks need.

    Rows with errors are not candidates, but their organisation cell is still returned so that
    an unknown or out-of-scope organisation is reported with the row's other errors.
    """
    candidates: list[_Candidate] = []
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
        if not bad:
            candidates.append(_Candidate(number, id_number, values, cells.get(COL_ORG, "")))
        elif cells.get(COL_ORG, ""):
            rejected_org_keys.append((number, cells[COL_ORG]))
        if progress and plan.rows % 1000 == 0:
            progress(plan.rows, max(table.row_count, plan.rows))
    return candidates, rejected_org_keys


def _organisations_by_key(keys: set[str]) -> dict[str, Organisation]:
    """One query: every organisation the file names, by code first, then by exact name."""
    if not keys:
        return {}
    found = list(
        Organisation.objects.filter(Q(code__in=keys) | Q(name__in=keys)).only(
            "id", "code", "name", "path"
        )
    )
    by_key = {o.name: o for o in found if o.name in keys}
    by_key.update({o.code: o for o in found if o.code in keys})
    return by_key


def _existing_people(id_numbers: list[str]) -> dict[str, Person]:
    existing: dict[str, Person] = {}
    for start in range(0, len(id_numbers), _LOOKUP_CHUNK):
        chunk = id_numbers[start : start + _LOOKUP_CHUNK]
        for person in Person.objects.filter(id_number__in=chunk).select_related("organisation"):
            existing[person.id_number] = person
    return existing


def plan_people_import(
    data: bytes,
    *,
    filename: str = "",
    by=None,
    progress: Callable[[int, int], None] | None = None,
) -> PeoplePlan:
    """Everything importing `data` would do, and every error; writes nothing.

    `by` limits the organisations to the user's scope; None (the command line) means no limit.
    Raises FileRefused when the file as a whole is unreadable.
    """
    plan = PeoplePlan(filename=filename)
    table = read_table(data, columns=PEOPLE_COLUMNS)
    candidates, rejected_org_keys = _read_rows(table, plan, progress)
    if plan.rows == 0:
        raise FileRefused(_("文件中只有表头，没有数据行。"))
    prefix = "" if by is None else scope_path(by)

    def in_scope(organisation) -> bool:
        return prefix is not None and organisation.path.startswith(prefix)

    organisations = _organisations_by_key(
        {c.org_key for c in candidates if c.org_key} | {key for _row, key in rejected_org_keys}
    )

    def organisation_error(row: int, key: str) -> RowError | None:
        organisation = organisations.get(key)
        if organisation is None:
            return RowError(row, COL_ORG, _("找不到代码或名称为“%(key)s”的单位。") % {"key": key})
        if not in_scope(organisation):
            return RowError(
                row, COL_ORG, _("单位“%(org)s”不在您的管辖范围内。") % {"org": organisation.name}
            )
        return None

    for row, key in rejected_org_keys:
        if error := organisation_error(row, key):
            plan.errors.append(error)
    existing = _existing_people([c.id_number for c in candidates])
    now = timezone.now()
    for c in candidates:
        person = existing.get(c.id_number)
        organisation = None
        if c.org_key:
            if error := organisation_error(c.number, c.org_key):
                plan.errors.append(error)
                continue
            organisation = organisations[c.org_key]
        if person is None:
            missing = [
                col
                for col, present in ((COL_NAME, "name" in c.values), (COL_ORG, organisation))
                if not present
            ]
            for col in missing:
                plan.errors.append(RowError(c.number, col, _("新职工的此项为必填。")))
            if missing:
                continue
            person = Person(
                id_number=c.id_number,
                id_tail=c.id_number[-4:],
                birth_date=_birth_date(c.id_number),
                gender=c.values.get("gender") or gender_of(c.id_number),
                organisation=organisation,
                **{k: v for k, v in c.values.items() if k != "gender"},
            )
            plan.new.append(person)
            continue
        if not in_scope(person.organisation):
            plan.errors.append(
                RowError(c.number, COL_ID, _("该职工属于您管辖范围以外的单位，不能通过导入修改。"))
            )
            continue
        changed = False
        if organisation is not None and organisation.pk != person.organisation_id:
            person.organisation = organisation
            plan.updated_fields.add("organisation")
            changed = True
        for name, value in c.values.items():
            if getattr(person, name) != value:
                setattr(person, name, value)
                plan.updated_fields.add(name)
                changed = True
        if changed:
            person.updated_at = now
            plan.updated.append(person)
        else:
            plan.unchanged += 1
    plan.errors.sort(key=lambda e: (e.row, PEOPLE_COLUMNS.index(e.column)))
    if progress:
        progress(plan.rows, plan.rows)
    return plan


def apply_people_plan(plan: PeoplePlan, *, by, reason: str, progress=None) -> None:
    """Write a clean plan in one transaction, with history rows naming `by` and `reason`."""
    if not plan.ok:
        raise FileRefused(_("文件中有错误，未导入任何数据。"))
    total = len(plan.new) + len(plan.updated)

    def step(offset):
        if progress is None:
            return None
        return lambda done, _total: progress(offset + done, total)

    with transaction.atomic():
        if plan.new:
            bulk_create_with_fast_history(plan.new, Person, by=by, reason=reason, progress=step(0))
        if plan.updated:
            bulk_update_with_simple_history(
                plan.updated,
                Person,
                fields=sorted(plan.updated_fields | {"updated_at"}),
                by=by,
                reason=reason,
                progress=step(len(plan.new)),
            )


def import_reason(filename: str) -> str:
    return _("导入：%(file)s") % {"file": filename}


def import_people(
    data: bytes,
    *,
    filename: str,
    by=None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> PeoplePlan:
    """Validate and (unless `dry_run` or any row is invalid) import the whole roster.

    Planning happens inside the transaction, so a person registered by someone else between
    the checks and the writes cannot slip through.
    """
    with transaction.atomic():
        plan = plan_people_import(data, filename=filename, by=by, progress=progress)
        if plan.ok and not dry_run:
            apply_people_plan(plan, by=by, reason=import_reason(filename), progress=progress)
    return plan
