"""Background work of the payments app: long campaign lists and bank result files (the shared
upload flow's handlers) and large payment exports."""

from django.utils import translation

from cases.transfers.exporting import run_export_job
from jobs.registry import job_handler
from uploads.jobs import register

from .transfers.exports import PAYMENTS_EXPORT
from .transfers.flows import ALLOCATION_IMPORT, BANK_RESULT_IMPORT, CAMPAIGN_LIST_IMPORT

EXPORT_KIND = "payments.export"

register(CAMPAIGN_LIST_IMPORT)
register(BANK_RESULT_IMPORT)
register(ALLOCATION_IMPORT)


@job_handler(EXPORT_KIND)
def export_job(job, progress):
    with translation.override(job.params.get("language")):
        return run_export_job(job, progress, PAYMENTS_EXPORT)
