"""The worker's side of an import: check or apply a large file, with progress.

`register` gives each flow's job kinds these two handlers, bound to the flow.
"""

import functools

from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _

from core.errors import RuleViolation
from jobs.registry import JobResult, job_handler

from .flow import ImportFlow, error_report_csv
from .models import PendingUpload
from .services import discard_upload, read_verified, save_preview


def _run(flow: ImportFlow, job, progress, step: str):
    """Run the flow's `check` or `apply` on the job's upload, as its owner."""
    user = get_user_model().objects.get(pk=job.owner_id)
    upload = PendingUpload.objects.filter(pk=job.params.get("upload"), owner=user).first()
    if upload is None or upload.is_expired:
        raise RuleViolation(_("预览过的文件已导入或已过期，请重新上传。"))
    checked = getattr(flow, step)(
        read_verified(upload),
        filename=upload.filename,
        user=user,
        target=flow.target_in_job(upload.target, user),
        progress=progress,
    )
    return upload, checked


def run_preview(flow: ImportFlow, job, progress):
    """Check a large file; the preview is kept on the upload's row, the full report on the job."""
    with translation.override(job.params.get("language")):
        upload, checked = _run(flow, job, progress, "check")
        save_preview(upload, checked.as_preview())
        if checked.ok:
            return None
        return JobResult(
            filename=_("导入错误清单.csv"),
            content=error_report_csv(checked.errors),
            message=_("%(n)d处错误。") % {"n": len(checked.errors)},
        )


def run_apply(flow: ImportFlow, job, progress):
    """Import a large, previewed file: all rows or none."""
    with translation.override(job.params.get("language")):
        upload, checked = _run(flow, job, progress, "apply")
        if not checked.committed:
            lines = "\n".join(f"{e.row} {e.column}：{e.message}" for e in checked.errors[:20])
            raise RuleViolation(_("未导入任何数据：\n") + lines)
        discard_upload(upload)
        return JobResult(filename="", message=flow.done_message(checked.summary))


def register(flow: ImportFlow) -> ImportFlow:
    """Give the flow's job kinds their handlers; call once, from the app's `jobs` module."""
    job_handler(flow.preview_kind)(functools.partial(run_preview, flow))
    job_handler(flow.apply_kind)(functools.partial(run_apply, flow))
    return flow
