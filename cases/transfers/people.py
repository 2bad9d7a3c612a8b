"""The people roster import: validate the whole file in sets, then write it all or nothing.

Validation reads the database twice per 5,000 ID numbers (existing people) plus once for the
organisations the file names, never once per row; the write is one transaction of bulk inserts
and updates that still record history (simple-history's bulk helpers), with the importing user
and the file name as the reason. The per-row checks live in `cases.transfers.people_rows`.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import reasons
from cases.idnumbers import gender_of
from cases.models import Organisation, Person
from cases.selectors import scope_path

from .bulk import bulk_create_with_fast_history, bulk_update_with_simple_history
from .files import FileRefused, read_table
from .people_changes import ChangeList
from .people_rows import (  # noqa: F401  (the column names are this module's public interface)
    ALL_PEOPLE_COLUMNS,
    COL_ACCOUNT,
    COL_BANK,
    COL_GENDER,
    COL_ID,
    COL_MOBILE,
    COL_NAME,
    COL_ORG,
    COL_POSITION,
    FIELD_COLUMNS,
    PEOPLE_COLUMNS,
    PEOPLE_OPTIONAL_COLUMNS,
    PeoplePlan,
    RowError,
    _plainly_valid_id,
    birth_date_of_valid,
    read_rows,
)

_LOOKUP_CHUNK = 5_000


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


# Checked per row already (and the organisation by key); the model re-checks everything else.
_NOT_RECHECKED = ["id_number", "id_tail", "birth_date", "organisation"]


def _column_order(column: str) -> int:
    return ALL_PEOPLE_COLUMNS.index(column) if column in ALL_PEOPLE_COLUMNS else -1


def _refused_by_model(person: Person, row: int, plan: PeoplePlan) -> bool:
    """The model's own validators and clean(): what the person form refuses, the import refuses
    too (an 8-digit minimum account, an account without its bank), on the right column."""
    try:
        person.clean_fields(exclude=_NOT_RECHECKED)
        person.clean()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            column = FIELD_COLUMNS.get(name, "")
            plan.errors.extend(RowError(row, column, str(m)) for m in messages)
        return True
    return False


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
    table = read_table(data, columns=PEOPLE_COLUMNS, optional=PEOPLE_OPTIONAL_COLUMNS)
    candidates, rejected_org_keys = read_rows(table, plan, progress)
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
    changes = ChangeList(plan.changes)
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
                birth_date=birth_date_of_valid(c.id_number),
                gender=c.values.get("gender") or gender_of(c.id_number),
                organisation=organisation,
                **{k: v for k, v in c.values.items() if k != "gender"},
            )
            if not _refused_by_model(person, c.number, plan):
                plan.new.append(person)
            continue
        if not in_scope(person.organisation):
            plan.errors.append(
                RowError(c.number, COL_ID, _("该职工属于您管辖范围以外的单位，不能通过导入修改。"))
            )
            continue
        changed = changes.start(c.number, person)
        if organisation is not None and organisation.pk != person.organisation_id:
            changed.note("organisation", person.organisation, organisation)
            person.organisation = organisation
        for name, value in c.values.items():
            if getattr(person, name) != value:
                changed.note(name, getattr(person, name), value)
                setattr(person, name, value)
        if changed and _refused_by_model(person, c.number, plan):
            continue
        plan.updated_fields.update(changed.fields)
        if changed:
            person.updated_at = now
            plan.updated.append(person)
        else:
            plan.unchanged += 1
    plan.errors.sort(key=lambda e: (e.row, _column_order(e.column)))
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
    """Stored in Chinese whoever imports; shown in the reader's language (core.reasons)."""
    return reasons.IMPORT % {"file": filename}


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
