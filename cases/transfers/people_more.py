"""The roster's optional employment status and flags (在职状态, 抗疫一线医务人员, 援鄂医疗队员,
劳模, 残疾); the household columns are read with the hardship file's (`people_rows`).

A file may carry any of them (the template carries all); a blank cell changes nothing, as for
the contract's own columns. Each value is checked on its own and refused with the reason.
"""

from django.utils.translation import gettext as _

from cases.models import EmploymentStatus

COL_STATUS = "在职状态"
FLAG_COLUMNS = {
    "抗疫一线医务人员": "is_frontline_medical",
    "援鄂医疗队员": "is_hubei_team",
    "劳模": "is_model_worker",
    "残疾": "is_disabled",
}
MORE_COLUMNS = (COL_STATUS, *FLAG_COLUMNS)
# model field -> column of the file, for the preview's list of changes
FIELD_COLUMNS = {
    "employment_status": COL_STATUS,
    **{name: column for column, name in FLAG_COLUMNS.items()},
}

_STATUSES = {"在职": EmploymentStatus.IN_SERVICE, "退休": EmploymentStatus.RETIRED}
_YES = {"是", "Y", "YES", "1", "√", "TRUE"}
_NO = {"否", "N", "NO", "0", "×", "FALSE"}


def read_optional(cells: dict[str, str]) -> tuple[dict[str, object], list[tuple[str, str]]]:
    """The model values of the filled status and flag cells, and (column, reason) errors."""
    values: dict[str, object] = {}
    errors: list[tuple[str, str]] = []
    if status := cells.get(COL_STATUS, "").strip():
        if status in _STATUSES:
            values["employment_status"] = _STATUSES[status]
        else:
            errors.append((COL_STATUS, _("应填“在职”或“退休”。")))
    for column, name in FLAG_COLUMNS.items():
        if flag := cells.get(column, "").strip().upper():
            if flag in _YES:
                values[name] = True
            elif flag in _NO:
                values[name] = False
            else:
                errors.append((column, _("应填“是”或“否”。")))
    return values, errors
