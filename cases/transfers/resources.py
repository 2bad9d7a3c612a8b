"""django-import-export resource for people, so the admin's import and export follow Relief's
rules: the same columns as the roster contract, the same validation and the same fast,
all-or-nothing bulk path (the resource delegates its import to `cases.transfers.people`),
masked sensitive columns unless the user may reveal them.
"""

import csv
import io

from django.core.exceptions import ValidationError
from import_export import fields, resources
from import_export.results import Error, Result, RowResult
from import_export.widgets import ForeignKeyWidget

from cases.models import Gender, Organisation, Person
from core.formatting import neutralise

from .exporting import mask_account, mask_id
from .files import FileRefused
from .people import (
    COL_ACCOUNT,
    COL_BANK,
    COL_GENDER,
    COL_ID,
    COL_MOBILE,
    COL_NAME,
    COL_ORG,
    COL_POSITION,
    PEOPLE_COLUMNS,
    import_people,
)

_GENDER_LABELS = {Gender.MALE: "男", Gender.FEMALE: "女"}


class PersonResource(resources.ModelResource):
    name = fields.Field("name", column_name=COL_NAME)
    id_number = fields.Field("id_number", column_name=COL_ID)
    gender = fields.Field("gender", column_name=COL_GENDER)
    mobile = fields.Field("mobile", column_name=COL_MOBILE)
    organisation = fields.Field(
        "organisation", column_name=COL_ORG, widget=ForeignKeyWidget(Organisation, "code")
    )
    position = fields.Field("position", column_name=COL_POSITION)
    bank_name = fields.Field("bank_name", column_name=COL_BANK)
    bank_account = fields.Field("bank_account", column_name=COL_ACCOUNT)

    class Meta:
        model = Person
        fields = (
            "name",
            "id_number",
            "gender",
            "mobile",
            "organisation",
            "position",
            "bank_name",
            "bank_account",
        )
        import_id_fields = ("id_number",)

    def __init__(self, *, reveal: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.reveal = reveal

    # --- export: the roster's own columns, so an export can be edited and imported back ------

    def get_export_queryset(self, request=None):
        return Person.objects.select_related("organisation")

    def dehydrate_id_number(self, person):
        return person.id_number if self.reveal else mask_id(person.id_number)

    def dehydrate_bank_account(self, person):
        return person.bank_account if self.reveal else mask_account(person.bank_account)

    def dehydrate_gender(self, person):
        return _GENDER_LABELS.get(person.gender, "")

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return neutralise(value) if isinstance(value, str) else value

    # --- import: Relief's validation and bulk path, reported in import-export's terms --------

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        result = Result()
        result.diff_headers = list(PEOPLE_COLUMNS)
        headers = [str(h) for h in (dataset.headers or [])]
        out = io.StringIO(newline="")
        writer = csv.writer(out)
        writer.writerow(headers)
        writer.writerows([["" if v is None else str(v) for v in row] for row in dataset])
        try:
            plan = import_people(
                out.getvalue().encode(),
                filename=kwargs.get("file_name") or "admin",
                by=kwargs.get("user"),
                dry_run=dry_run,
            )
        except FileRefused as refusal:
            if raise_errors:
                raise
            result.append_base_error(Error(refusal))
            return result
        by_row: dict[int, dict[str, list[str]]] = {}
        for error in plan.errors:
            by_row.setdefault(error.row, {}).setdefault(error.column, []).append(error.message)
        for number, messages in by_row.items():
            values = dict(zip(headers, dataset[number - 2], strict=False))
            result.append_invalid_row(number, values, ValidationError(messages))
            result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
        for import_type, people in (
            (RowResult.IMPORT_TYPE_NEW, plan.new),
            (RowResult.IMPORT_TYPE_UPDATE, plan.updated),
        ):
            for person in people:
                row = RowResult()
                row.import_type = import_type
                row.object_id = person.pk
                row.object_repr = str(person)
                result.append_row_result(row)
                result.increment_row_result_total(row)
        result.totals[RowResult.IMPORT_TYPE_SKIP] = plan.unchanged
        result.total_rows = plan.rows
        return result
