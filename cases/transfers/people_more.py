"""The roster's optional columns: employment status, household, address and the four flags.

A file may carry any of them (the template carries all); a blank cell changes nothing, as for
the contract's own columns. Each value is checked on its own and refused with the reason.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from cases.models import EmploymentStatus

COL_STATUS, COL_HOUSEHOLD, COL_INCOME, COL_ADDRESS = "在职状态", "家庭人口", "家庭月收入", "住址"
COL_FRONTLINE, COL_HUBEI, COL_MODEL, COL_DISABLED = (
    "抗疫一线医务人员",
    "援鄂医疗队员",
    "劳模",
    "残疾",
)
FLAG_COLUMNS = {
    COL_FRONTLINE: "is_frontline_medical",
    COL_HUBEI: "is_hubei_team",
    COL_MODEL: "is_model_worker",
    COL_DISABLED: "is_disabled",
}
OPTIONAL_COLUMNS = (COL_STATUS, COL_HOUSEHOLD, COL_INCOME, COL_ADDRESS, *FLAG_COLUMNS)
# column of the file -> model field, for the preview's list of changes
FIELD_COLUMNS = {
    "employment_status": COL_STATUS,
    "household_size": COL_HOUSEHOLD,
    "household_monthly_income": COL_INCOME,
    "address": COL_ADDRESS,
    **{name: column for column, name in FLAG_COLUMNS.items()},
}

_STATUSES = {"在职": EmploymentStatus.IN_SERVICE, "退休": EmploymentStatus.RETIRED}
_YES = {"是", "Y", "YES", "1", "√", "TRUE"}
_NO = {"否", "N", "NO", "0", "×", "FALSE"}
_MAX_INCOME = Decimal("9999999999.99")


def read_optional(cells: dict[str, str]) -> tuple[dict[str, object], list[tuple[str, str]]]:
    """The model values of the optional cells that are filled, and (column, reason) errors."""
    values: dict[str, object] = {}
    errors: list[tuple[str, str]] = []
    if status := cells.get(COL_STATUS, ""):
        if status in _STATUSES:
            values["employment_status"] = _STATUSES[status]
        else:
            errors.append((COL_STATUS, _("应填“在职”或“退休”。")))
    if size := cells.get(COL_HOUSEHOLD, ""):
        number = size[:-2] if size.endswith(".0") else size
        if number.isascii() and number.isdigit() and 1 <= int(number) <= 30:
            values["household_size"] = int(number)
        else:
            errors.append((COL_HOUSEHOLD, _("应为1至30之间的整数。")))
    if income := cells.get(COL_INCOME, "").replace(",", ""):
        try:
            amount = Decimal(income)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or not 0 <= amount <= _MAX_INCOME:
            errors.append((COL_INCOME, _("应为不小于0的金额（元），如 2400 或 2400.50。")))
        elif amount != amount.quantize(Decimal("0.01")):
            errors.append((COL_INCOME, _("金额最多两位小数。")))
        else:
            values["household_monthly_income"] = amount.quantize(Decimal("0.01"))
    if address := cells.get(COL_ADDRESS, ""):
        if len(address) > 200:
            errors.append(
                (
                    COL_ADDRESS,
                    _("长度为%(n)d个字符，超过上限%(limit)d。") % {"n": len(address), "limit": 200},
                )
            )
        else:
            values["address"] = address
    for column, name in FLAG_COLUMNS.items():
        if flag := cells.get(column, "").upper():
            if flag in _YES:
                values[name] = True
            elif flag in _NO:
                values[name] = False
            else:
                errors.append((column, _("应填“是”或“否”。")))
    return values, errors
