"""Background work of the payments app: large payment exports (the campaign list import is
small by nature and answers at once)."""

from django.utils import translation

from cases.transfers.exporting import run_export_job
from jobs.registry import job_handler

from .transfers.exports import PAYMENTS_EXPORT

EXPORT_KIND = "payments.export"


@job_handler(EXPORT_KIND)
def export_job(job, progress):
    with translation.override(job.params.get("language")):
        return run_export_job(job, progress, PAYMENTS_EXPORT)
