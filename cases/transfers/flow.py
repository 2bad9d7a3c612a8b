"""The roster import as an upload → preview → confirm flow (see `uploads.flow`)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.permissions import can_add_people, can_edit_people
from uploads.flow import Checked, ImportFlow

from .files import SYNC_ROW_LIMIT, read_table
from .people import PEOPLE_COLUMNS, PEOPLE_OPTIONAL_COLUMNS, import_people, plan_people_import


class PeopleImport(ImportFlow):
    purpose = "people"
    title = gettext_lazy("导入职工名单")
    url_names = {
        "upload": "cases:people_import",
        "preview": "cases:people_import_preview",
        "confirm": "cases:people_import_confirm",
        "errors": "cases:people_import_errors",
    }
    format_template = "cases/transfers/_people_format.html"
    summary_template = "cases/transfers/_summary.html"
    result_note = gettext_lazy("每一处新增和修改都已记入变更历史，原因为本次导入的文件名。")
    sync_rows = SYNC_ROW_LIMIT
    preview_kind = "cases.preview_people_import"
    apply_kind = "cases.import_people"

    def allowed(self, user) -> bool:
        return can_add_people(user) and can_edit_people(user)

    def page_context(self, target):
        return {
            "columns": PEOPLE_COLUMNS,
            "optional_columns": PEOPLE_OPTIONAL_COLUMNS,
            "sync_rows": self.sync_rows,
            "template_url": reverse("cases:people_import_template"),
        }

    def count_rows(self, data: bytes) -> int:
        return read_table(data, columns=PEOPLE_COLUMNS, optional=PEOPLE_OPTIONAL_COLUMNS).row_count

    def check(self, data, *, filename, user, target, progress=None) -> Checked:
        plan = plan_people_import(data, filename=filename, by=user, progress=progress)
        return Checked(summary=plan.summary(), errors=plan.errors)

    def apply(self, data, *, filename, user, target, progress=None) -> Checked:
        plan = import_people(data, filename=filename, by=user, progress=progress)
        return Checked(summary=plan.summary(), errors=plan.errors, committed=plan.ok)

    def confirm_text(self, summary) -> str:
        return _("确认后将新增 %(new)s 名职工、更新 %(updated)s 名职工，并记入变更历史。") % summary

    def done_message(self, summary) -> str:
        return _("导入完成：新增%(new)d人，更新%(updated)d人，未变%(unchanged)d人。") % summary

    def links(self, target):
        return [(_("查看职工名单"), reverse("cases:person_list"))]


PEOPLE_IMPORT = PeopleImport()
