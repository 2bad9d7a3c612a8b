"""Background work of the payments app: long campaign lists and bank result files (the shared
upload flow's handlers) and large payment exports."""

from django.utils import translation

from cases.transfers.exporting import run_export_job
from jobs.registry import JobResult, job_handler
from uploads.jobs import register

from .transfers.exports import PAYMENTS_EXPORT
from .transfers.flows import ALLOCATION_IMPORT, BANK_RESULT_IMPORT, CAMPAIGN_LIST_IMPORT

EXPORT_KIND = "payments.export"

register(CAMPAIGN_LIST_IMPORT)
register(BANK_RESULT_IMPORT)
register(ALLOCATION_IMPORT)


FINANCE_FILE_KIND = "payments.finance_file"


@job_handler(FINANCE_FILE_KIND)
def finance_file_job(job, progress):
    """A 台账 or 发放花名册 too long to build while the browser waits."""
    from django.utils.translation import gettext as _

    from .ledger.documents import file_for_job

    progress(0, 1)
    file = file_for_job(job.owner, job.params)
    progress(1, 1)
    with translation.override(job.params.get("language")):
        message = _("共%(n)d行。") % {"n": file.rows}
    return JobResult(filename=file.filename, content=file.content, message=message)


@job_handler(EXPORT_KIND)
def export_job(job, progress):
    with translation.override(job.params.get("language")):
        return run_export_job(job, progress, PAYMENTS_EXPORT)


ENROL_KIND = "payments.enrol"


@job_handler(ENROL_KIND)
def enrol_job(job, progress):
    """按条件批量起草 in the worker: the owner's scope and rights, checked again by each service."""
    import csv
    import io

    from django.utils.translation import gettext as _

    from core.errors import RuleViolation
    from core.formatting import neutralise

    from .enrolment import Filters, enrol
    from .selectors import campaigns_visible_to

    with translation.override(job.params.get("language")):
        campaign = campaigns_visible_to(job.owner).filter(pk=job.params["campaign"]).first()
        if campaign is None:
            raise RuleViolation(_("慰问活动不在您的范围内。"))
        outcome = enrol(
            job.owner,
            campaign,
            Filters.from_params(job.params["filters"]),
            submit=bool(job.params.get("submit")),
            progress=progress,
        )
        message = _(
            "已起草 %(drafted)s 笔（已提交 %(submitted)s 笔），"
            "合计 %(total)s 元；跳过 %(skipped)s 人。"
        ) % {
            "drafted": outcome.drafted,
            "submitted": outcome.submitted,
            "total": outcome.total,
            "skipped": len(outcome.skipped),
        }
        out = io.StringIO(newline="")
        writer = csv.writer(out)
        writer.writerow([_("姓名"), _("单位"), _("跳过原因")])
        writer.writerows([neutralise(cell) for cell in row] for row in outcome.skipped)
        return JobResult(
            filename=_("跳过名单.csv"),
            content=("\ufeff" + out.getvalue()).encode(),
            message=message,
        )
