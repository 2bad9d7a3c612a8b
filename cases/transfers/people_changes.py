"""What a roster import changes for people already registered: the preview lists, for each
updated person, each field from what to what, so an officer can see a wrong column before
confirming (issue 15 item 9). Sensitive numbers are shown masked, as on every page."""

from decimal import Decimal

from django.utils.translation import gettext as _

from cases.models import EmploymentStatus, Gender, Organisation, Person
from core.formatting import format_money, mask

from .people_more import FIELD_COLUMNS
from .people_rows import (
    COL_ACCOUNT,
    COL_ADDRESS,
    COL_BANK,
    COL_DISTRICT,
    COL_GENDER,
    COL_INCOME,
    COL_MOBILE,
    COL_NAME,
    COL_ORG,
    COL_POSITION,
    COL_SIZE,
)

# Enough to check a file by eye; the counts above the list always cover every row.
MAX_LISTED_PEOPLE = 200

_COLUMNS = {
    "name": COL_NAME,
    "gender": COL_GENDER,
    "mobile": COL_MOBILE,
    "organisation": COL_ORG,
    "position": COL_POSITION,
    "bank_name": COL_BANK,
    "bank_account": COL_ACCOUNT,
    "district": COL_DISTRICT,
    "address": COL_ADDRESS,
    "household_size": COL_SIZE,
    "household_monthly_income": COL_INCOME,
    **FIELD_COLUMNS,
}
_CHOICES = {"gender": Gender, "employment_status": EmploymentStatus}


def shown(name: str, value: object) -> str:
    """A value as the preview shows it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Organisation):
        return value.name
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, Decimal):
        return format_money(value)
    if name == "bank_account":
        return mask(str(value), keep_start=4, keep_end=4)
    if name == "mobile":
        return mask(str(value), keep_start=3, keep_end=4)
    if name in _CHOICES:
        return str(_CHOICES[name](value).label)
    return str(value)


class PersonChanges:
    """The changes of one row; falsy when it changes nothing. Listed on its first change."""

    def __init__(self, rows: list[dict] | None, row: int, name: str):
        self.fields: set[str] = set()
        self._rows = rows
        self._listed = {"row": row, "name": name, "changes": []}

    def note(self, name: str, before: object, after: object) -> None:
        if self._rows is not None:
            if not self.fields:
                self._rows.append(self._listed)
            self._listed["changes"].append(
                [_COLUMNS[name], shown(name, before), shown(name, after)]
            )
        self.fields.add(name)

    def __bool__(self) -> bool:
        return bool(self.fields)


class ChangeList:
    """The preview's list of updated people (JSON-ready: it is kept with the preview)."""

    def __init__(self, rows: list[dict]):
        self.rows = rows

    def start(self, row: int, person: Person) -> PersonChanges:
        listing = self.rows if len(self.rows) < MAX_LISTED_PEOPLE else None
        return PersonChanges(listing, row, person.name)
