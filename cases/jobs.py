"""Background work of the cases app: large roster previews and imports, large XLSX exports."""

from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _

from core.errors import RuleViolation
from jobs.registry import JobResult, job_handler

from .transfers.exporting import run_export_job
from .transfers.exports import EXPORTS
from .transfers.files import load_upload
from .transfers.people import import_people, plan_people_import
from .transfers.reports import PREVIEW_ERROR_LIMIT, error_report_csv

PREVIEW_KIND = "cases.preview_people_import"
IMPORT_KIND = "cases.import_people"
EXPORT_KIND = "cases.export"


def _owner(job):
    return get_user_model().objects.get(pk=job.owner_id)


@job_handler(PREVIEW_KIND)
def preview_people_import(job, progress):
    """Validate a large roster; the preview (counts, errors, token) is kept on the job."""
    user = _owner(job)
    with translation.override(job.params.get("language")):
        upload = load_upload(job.params["token"], user=user, purpose="people")
        plan = plan_people_import(
            upload.read_verified(), filename=upload.filename, by=user, progress=progress
        )
        job.params = {
            **job.params,
            "preview": {
                "summary": plan.summary(),
                "errors": [e.__dict__ for e in plan.errors[:PREVIEW_ERROR_LIMIT]],
                "error_count": len(plan.errors),
            },
        }
        if plan.ok:
            return None
        return JobResult(
            filename=_("导入错误清单.csv"),
            content=error_report_csv(plan.errors),
            message=_("%(n)d行有错误。") % {"n": plan.invalid_rows},
        )


@job_handler(IMPORT_KIND)
def import_people_job(job, progress):
    """Import a large, previewed roster: all rows or none."""
    user = _owner(job)
    with translation.override(job.params.get("language")):
        upload = load_upload(job.params["token"], user=user, purpose="people")
        plan = import_people(
            upload.read_verified(), filename=upload.filename, by=user, progress=progress
        )
        if not plan.ok:
            lines = "\n".join(e.as_line() for e in plan.errors[:20])
            raise RuleViolation(_("未导入任何数据：\n") + lines)
        upload.discard()
        return JobResult(
            filename="",
            message=_("导入完成：新增%(new)d人，更新%(updated)d人，未变%(unchanged)d人。")
            % plan.summary(),
        )


@job_handler(EXPORT_KIND)
def export_job(job, progress):
    with translation.override(job.params.get("language")):
        return run_export_job(job, progress, EXPORTS[job.params["kind"]])
