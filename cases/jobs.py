"""Background work of the cases app: large roster previews and imports (the shared upload
flow's handlers), large XLSX exports."""

from django.utils import translation

from jobs.registry import job_handler
from uploads.jobs import register

from .transfers.exporting import run_export_job
from .transfers.exports import EXPORTS
from .transfers.flow import PEOPLE_IMPORT

EXPORT_KIND = "cases.export"

register(PEOPLE_IMPORT)


@job_handler(EXPORT_KIND)
def export_job(job, progress):
    with translation.override(job.params.get("language")):
        return run_export_job(job, progress, EXPORTS[job.params["kind"]])
