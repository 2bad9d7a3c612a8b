"""Background work of the payments app: long campaign lists and large payment exports."""

from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _

from cases.transfers.exporting import run_export_job
from cases.transfers.files import load_upload
from cases.transfers.reports import PREVIEW_ERROR_LIMIT, error_report_csv
from core.errors import RuleViolation
from jobs.registry import JobResult, job_handler

from .transfers.exports import PAYMENTS_EXPORT

EXPORT_KIND = "payments.export"
LIST_PREVIEW_KIND = "payments.preview_campaign_list"
LIST_IMPORT_KIND = "payments.import_campaign_list"


@job_handler(EXPORT_KIND)
def export_job(job, progress):
    with translation.override(job.params.get("language")):
        return run_export_job(job, progress, PAYMENTS_EXPORT)


def _list_run(job, progress, *, dry_run: bool):
    from .transfers.campaign_list import campaigns_open_to, import_campaign_list

    user = get_user_model().objects.get(pk=job.owner_id)
    upload = load_upload(job.params["token"], user=user, purpose="campaign_list")
    campaign = campaigns_open_to(user).filter(pk=upload.extra.get("campaign")).first()
    if campaign is None:
        raise RuleViolation(_("慰问活动已结束或不在您的范围内。"))
    data = upload.read_verified()
    return upload, import_campaign_list(
        data,
        campaign=campaign,
        by=user,
        filename=upload.filename,
        dry_run=dry_run,
        progress=progress,
    )


@job_handler(LIST_PREVIEW_KIND)
def preview_campaign_list(job, progress):
    with translation.override(job.params.get("language")):
        _upload, result = _list_run(job, progress, dry_run=True)
        job.params = {
            **job.params,
            "preview": {
                "summary": result.summary(),
                "errors": [e.__dict__ for e in result.errors[:PREVIEW_ERROR_LIMIT]],
                "error_count": len(result.errors),
            },
        }
        if result.ok:
            return None
        return JobResult(
            filename=_("导入错误清单.csv"),
            content=error_report_csv(result.errors),
            message=_("%(n)d行有错误。") % {"n": result.invalid_rows},
        )


@job_handler(LIST_IMPORT_KIND)
def import_campaign_list_job(job, progress):
    with translation.override(job.params.get("language")):
        upload, result = _list_run(job, progress, dry_run=False)
        if not result.committed:
            lines = "\n".join(e.as_line() for e in result.errors[:20])
            raise RuleViolation(_("未导入任何数据：\n") + lines)
        upload.discard()
        return JobResult(
            filename="",
            message=_(
                "导入完成：新立个案%(cases_opened)d个，起草慰问金%(payments)d笔，合计%(total_amount)s元。"
            )
            % result.summary(),
        )
