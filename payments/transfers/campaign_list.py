"""The campaign list import: a list of ID numbers adds those people to a campaign.

Header (CSV or XLSX, any order; the bracketed columns may be left out):

    身份证号, 类别, [姓名], [金额], [困难类别], [致困原因], [慰问节日], [发放方式], [说明]

- 身份证号: a person already registered, within the importer's scope and the campaign's.
- 类别: the case category, by its Chinese name (援鄂医疗队员慰问, 抗疫一线关爱, 困难职工帮扶, …)
  or its code (hubei_team, …).
- 姓名: when given, must match the registered name (catches a misread ID number).
- 金额: empty means the campaign's standard amount; a different amount needs a 说明.
- 困难类别, 致困原因 (several, separated by 、 or commas): only for a hardship case to be opened;
  an empty level takes the system's suggestion from the poverty line, a different one is
  explained in 说明 (open_case's rules).
- 慰问节日: for an occasion case to be opened (六一儿童节, 全国助残日, 世界艾滋病日, 春节).
- 发放方式: 银行转账 (default) or 现金签收.
- 说明: why the amount (or the hardship level) differs from the standard (the suggestion).

For each row the person's open case of that category is used, or one is opened
(`cases.services.open_case`), and a payment is drafted (`payments.services.draft_payment`).
Only open campaigns take lists. The whole list is one transaction: the preview runs every step
and rolls back; the import commits only when no row failed. A rule a service enforces (one live
payment per person per campaign, the annual cap, the campaign's state…) comes back as that row's
error.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from cases.idnumbers import normalise_id_number, validate_id_number
from cases.models import Case, CaseCategory, CaseStatus, HardshipCause, HardshipLevel
from cases.models.cases import Occasion
from cases.selectors import people_visible_to
from cases.transfers.files import FileRefused, read_table
from cases.transfers.people import RowError
from core.errors import RuleViolation
from payments.models import Campaign, CampaignStatus, PaymentMethod

COL_ID, COL_CATEGORY, COL_NAME, COL_AMOUNT = "身份证号", "类别", "姓名", "金额"
COL_LEVEL, COL_CAUSES, COL_OCCASION = "困难类别", "致困原因", "慰问节日"
COL_METHOD, COL_NOTE = "发放方式", "说明"
REQUIRED_COLUMNS = (COL_ID, COL_CATEGORY)
OPTIONAL_COLUMNS = (
    COL_NAME,
    COL_AMOUNT,
    COL_LEVEL,
    COL_CAUSES,
    COL_OCCASION,
    COL_METHOD,
    COL_NOTE,
)
COLUMN_ORDER = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
_LOOKUP_CHUNK = 5_000


def _source_labels(enum) -> list[str]:
    """The Chinese names the file format uses, whatever the user's interface language."""
    with translation.override(None):
        return [str(label) for _value, label in enum.choices]


def _by_label_or_code(enum) -> dict[str, str]:
    """A cell's value by its Chinese name, its name in the user's language, or its code."""
    mapping = {str(label): value for value, label in enum.choices}
    mapping.update(dict(zip(_source_labels(enum), enum.values, strict=True)))
    mapping.update({value: value for value in enum.values})
    return mapping


@dataclass
class CampaignListResult:
    filename: str = ""
    rows: int = 0
    cases_opened: int = 0
    cases_reused: int = 0
    payments: int = 0
    total_amount: Decimal = Decimal("0.00")
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False

    @property
    def invalid_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> dict:
        return {
            "rows": self.rows,
            "cases_opened": self.cases_opened,
            "cases_reused": self.cases_reused,
            "payments": self.payments,
            "total_amount": str(self.total_amount),
            "invalid": self.invalid_rows,
        }


@dataclass
class _Line:
    number: int
    id_number: str
    category: str
    name: str
    amount: Decimal | None
    level: str
    causes: list[str]
    occasion: str
    method: str
    note: str


def _parse(table, result: CampaignListResult) -> list[_Line]:
    categories = _by_label_or_code(CaseCategory)
    levels = _by_label_or_code(HardshipLevel)
    methods = _by_label_or_code(PaymentMethod)
    causes_by_name = _by_label_or_code(HardshipCause)
    occasions = _by_label_or_code(Occasion)
    lines, first_row_of = [], {}
    for row in table.rows:
        if not any(row.cells.values()):
            continue
        result.rows += 1
        number, errors, before = row.number, result.errors, len(result.errors)
        id_number = normalise_id_number(row.get(COL_ID))
        if not id_number:
            errors.append(RowError(number, COL_ID, _("必填，不能为空。")))
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
        else:
            try:
                validate_id_number(id_number)
            except ValidationError as error:
                errors.append(RowError(number, COL_ID, str(error.messages[0])))
            else:
                if id_number in first_row_of:
                    errors.append(
                        RowError(
                            number,
                            COL_ID,
                            _("身份证号与第%(row)d行重复。") % {"row": first_row_of[id_number]},
                        )
                    )
                else:
                    first_row_of[id_number] = number
        category = categories.get(row.get(COL_CATEGORY))
        if category is None:
            errors.append(
                RowError(
                    number,
                    COL_CATEGORY,
                    _("类别应为以下之一：%(names)s。")
                    % {"names": "、".join(_source_labels(CaseCategory))},
                )
            )
        amount = None
        if text := row.get(COL_AMOUNT).replace(",", "").replace("，", ""):
            try:
                amount = Decimal(text)
            except InvalidOperation:
                amount = None
            if amount is None or not amount.is_finite() or amount <= 0:
                errors.append(RowError(number, COL_AMOUNT, _("金额应为大于0的数字（元）。")))
                amount = None
            elif amount.as_tuple().exponent < -2 or amount >= Decimal("1e10"):
                errors.append(RowError(number, COL_AMOUNT, _("金额最多两位小数，且小于100亿元。")))
        level = ""
        if text := row.get(COL_LEVEL):
            level = levels.get(text, "")
            if not level:
                errors.append(
                    RowError(number, COL_LEVEL, _("困难类别应为：深度困难、相对困难或意外致困。"))
                )
        causes = []
        if text := row.get(COL_CAUSES):
            names = [n.strip() for n in re.split(r"[、,，;；]", text) if n.strip()]
            causes = [causes_by_name.get(n, "") for n in names]
            if not all(causes):
                errors.append(
                    RowError(
                        number,
                        COL_CAUSES,
                        _("致困原因应为以下之一：%(names)s。")
                        % {"names": "、".join(_source_labels(HardshipCause))},
                    )
                )
        occasion = ""
        if text := row.get(COL_OCCASION):
            occasion = occasions.get(text, "")
            if not occasion:
                errors.append(
                    RowError(
                        number,
                        COL_OCCASION,
                        _("慰问节日应为以下之一：%(names)s。")
                        % {"names": "、".join(_source_labels(Occasion))},
                    )
                )
        method = PaymentMethod.BANK
        if text := row.get(COL_METHOD):
            method = methods.get(text, "")
            if not method:
                errors.append(RowError(number, COL_METHOD, _("发放方式应为：银行转账或现金签收。")))
        name, note = row.get(COL_NAME), row.get(COL_NOTE)
        if len(name) > 50:
            errors.append(RowError(number, COL_NAME, _("长度超过上限50。")))
        if len(errors) == before:
            lines.append(
                _Line(
                    number, id_number, category, name, amount, level, causes, occasion, method, note
                )
            )
    return lines


# The file column a service's refusal is about, by the exception's `field` (casework) or class.
_COLUMN_OF_FIELD = {
    "category": COL_CATEGORY,
    "hardship_level": COL_LEVEL,
    "causes": COL_CAUSES,
    "occasion": COL_OCCASION,
    "level_override_reason": COL_NOTE,
}
_COLUMN_OF_EXCEPTION = {
    "InvalidAmount": COL_AMOUNT,
    "AnnualCapExceeded": COL_AMOUNT,
    "JustificationRequired": COL_NOTE,
    "DuplicateLivePayment": COL_ID,
}


def _column_of(error: Exception) -> str:
    """The column to name for a service's refusal; "" (the whole row) when it is about no cell."""
    field_name = getattr(error, "field", None)
    if field_name in _COLUMN_OF_FIELD:
        return _COLUMN_OF_FIELD[field_name]
    return _COLUMN_OF_EXCEPTION.get(type(error).__name__, "")


def _message_of(error: Exception) -> str:
    if isinstance(error, RuleViolation):
        return error.message
    if isinstance(error, ValidationError):
        return "；".join(str(m) for m in error.messages)
    return _("数据库拒绝了这一行（可能与已有记录冲突）。")


class _RollBack(Exception):
    pass


def import_campaign_list(
    data: bytes,
    *,
    campaign: Campaign,
    by,
    filename: str = "",
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> CampaignListResult:
    """Open cases and draft payments for every listed person, all or nothing.

    With `dry_run` every step runs (so the services' rules are checked) and is rolled back.
    Raises FileRefused when the file as a whole is unreadable.
    """
    from cases.services import open_case
    from payments.services import draft_payment

    result = CampaignListResult(filename=filename)
    table = read_table(data, columns=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS)
    lines = _parse(table, result)
    if result.rows == 0:
        raise FileRefused(_("文件中只有表头，没有数据行。"))
    try:
        with transaction.atomic():
            _apply(lines, result, campaign, by, open_case, draft_payment, progress)
            if dry_run or result.errors:
                raise _RollBack
    except _RollBack:
        pass
    else:
        result.committed = True
    result.errors.sort(key=lambda e: (e.row, COLUMN_ORDER.index(e.column) if e.column else -1))
    return result


def _apply(lines, result, campaign, by, open_case, draft_payment, progress) -> None:
    visible = people_visible_to(by).select_related("organisation")
    people = {}
    numbers = [line.id_number for line in lines]
    for start in range(0, len(numbers), _LOOKUP_CHUNK):
        chunk = numbers[start : start + _LOOKUP_CHUNK]
        people.update({p.id_number: p for p in visible.filter(id_number__in=chunk)})
    open_cases = {
        (c.person_id, c.category): c
        for c in Case.objects.filter(
            person__in=[p.pk for p in people.values()],
            status__in=[CaseStatus.OPEN, CaseStatus.VERIFIED],
        )
    }
    coverage = campaign.organisation.path
    for done, line in enumerate(lines, start=1):
        if progress and done % 100 == 0:
            progress(done, len(lines))
        person = people.get(line.id_number)
        if person is None:
            result.errors.append(
                RowError(
                    line.number,
                    COL_ID,
                    _("找不到该身份证号的职工（未登记或不在您的管辖范围内），请先导入职工名单。"),
                )
            )
            continue
        if line.name and line.name != person.name:
            result.errors.append(
                RowError(
                    line.number,
                    COL_NAME,
                    _("与登记的姓名“%(name)s”不一致。") % {"name": person.name},
                )
            )
            continue
        if not person.organisation.path.startswith(coverage):
            result.errors.append(
                RowError(
                    line.number,
                    COL_ID,
                    _("该职工所在单位不在本活动的覆盖范围（%(org)s）内。")
                    % {"org": campaign.organisation.name},
                )
            )
            continue
        case = open_cases.get((person.pk, line.category))
        try:
            with transaction.atomic():
                opened = case is None
                if opened:
                    hardship = line.category == CaseCategory.HARDSHIP
                    case = open_case(
                        person,
                        category=line.category,
                        by=by,
                        hardship_level=line.level,
                        causes=line.causes,
                        occasion=line.occasion,
                        level_override_reason=line.note if hardship else "",
                    )
                payment = draft_payment(
                    case,
                    campaign,
                    by=by,
                    amount=line.amount,
                    method=line.method,
                    purpose=campaign.name[:100],
                    justification=line.note,
                )
        except (RuleViolation, ValidationError, IntegrityError) as error:
            result.errors.append(RowError(line.number, _column_of(error), _message_of(error)))
            continue
        open_cases[(person.pk, line.category)] = case
        result.cases_opened += int(opened)
        result.cases_reused += int(not opened)
        result.payments += 1
        result.total_amount += payment.amount


def campaigns_open_to(user):
    """Campaigns a user may add people to: visible to them (their subtree's, and the city-wide
    ones above that cover it) and open (`draft_payment` refuses any other state)."""
    from payments.selectors import campaigns_visible_to

    return campaigns_visible_to(user).filter(status=CampaignStatus.OPEN)
