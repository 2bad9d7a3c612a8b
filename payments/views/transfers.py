"""Pages of the campaign list import (choose campaign → upload → preview → confirm) and the
payments export."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from accounts.roles import Role, has_role
from cases.transfers.exporting import export_response
from cases.transfers.files import (
    MAX_UPLOAD_BYTES,
    FileRefused,
    load_upload,
    read_table,
    read_upload_field,
    store_upload,
)
from cases.transfers.reports import PREVIEW_ERROR_LIMIT
from jobs.models import Job, JobStatus
from jobs.services import start_job
from payments.jobs import EXPORT_KIND, LIST_IMPORT_KIND, LIST_PREVIEW_KIND
from payments.transfers.campaign_list import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    campaigns_open_to,
    import_campaign_list,
)
from payments.transfers.exports import PAYMENTS_EXPORT

PURPOSE = "campaign_list"
# Each row runs two services; above this many rows the list is handled in the background.
SYNC_LIST_ROWS = 1_000


def _require_importer(request) -> None:
    user = request.user
    allowed = user.has_perm("payments.add_payment") and user.has_perm("cases.add_case")
    if not allowed or has_role(user, Role.AUDITOR):
        raise PermissionDenied


def _campaign(request, pk):
    return get_object_or_404(campaigns_open_to(request.user), pk=pk)


def _upload_page(request, campaign, error: str = "", status: int = 200):
    context = {
        "campaign": campaign,
        "required": REQUIRED_COLUMNS,
        "optional": OPTIONAL_COLUMNS,
        "limit_mb": MAX_UPLOAD_BYTES // 1024 // 1024,
        "error": error,
    }
    return render(request, "payments/transfers/list_import.html", context, status=status)


def _preview_page(request, campaign, *, upload, summary, errors, error_count, job=None):
    context = {
        "campaign": campaign,
        "upload": upload,
        "summary": summary,
        "errors": errors,
        "error_count": error_count,
        "errors_truncated": error_count > len(errors),
        "job": job,
    }
    return render(request, "payments/transfers/list_preview.html", context)


@login_required
def choose_campaign(request):
    _require_importer(request)
    campaigns = campaigns_open_to(request.user).order_by("-year", "name")[:200]
    return render(request, "payments/transfers/list_choose.html", {"campaigns": campaigns})


@login_required
def list_import(request, pk):
    _require_importer(request)
    campaign = _campaign(request, pk)
    if request.method != "POST":
        return _upload_page(request, campaign)
    try:
        data = read_upload_field(request.FILES.get("file"))
        table = read_table(data, columns=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS)
    except FileRefused as refusal:
        return _upload_page(request, campaign, refusal.message, status=400)
    upload = store_upload(
        data,
        filename=request.FILES["file"].name,
        user=request.user,
        purpose=PURPOSE,
        extra={"campaign": campaign.pk},
    )
    if table.row_count > SYNC_LIST_ROWS:
        job = start_job(
            kind=LIST_PREVIEW_KIND,
            title=_("预览名单：%(file)s") % {"file": upload.filename},
            by=request.user,
            params={"token": upload.token, "language": get_language()},
        )
        return redirect("payments:campaign_list_preview", pk=campaign.pk, job=job.pk)
    try:
        result = import_campaign_list(
            data, campaign=campaign, by=request.user, filename=upload.filename, dry_run=True
        )
    except FileRefused as refusal:
        upload.discard()
        return _upload_page(request, campaign, refusal.message, status=400)
    return _preview_page(
        request,
        campaign,
        upload=upload,
        summary=result.summary(),
        errors=result.errors[:PREVIEW_ERROR_LIMIT],
        error_count=len(result.errors),
    )


@login_required
def list_preview(request, pk, job):
    _require_importer(request)
    campaign = _campaign(request, pk)
    job = get_object_or_404(Job, pk=job, owner=request.user, kind=LIST_PREVIEW_KIND)
    if not job.is_finished:
        template = (
            "cases/transfers/_preview_progress.html"
            if request.htmx
            else "cases/transfers/people_preview_wait.html"
        )
        return render(request, template, {"job": job})
    if request.htmx:
        return HttpResponseClientRefresh()
    if job.status == JobStatus.FAILED:
        return _upload_page(request, campaign, job.message, status=400)
    upload = load_upload(job.params["token"], user=request.user, purpose=PURPOSE)
    preview = job.params["preview"]
    return _preview_page(
        request,
        campaign,
        upload=upload,
        summary=preview["summary"],
        errors=preview["errors"],
        error_count=preview["error_count"],
        job=job,
    )


@login_required
@require_POST
def list_confirm(request, pk):
    """Import exactly the previewed list: same campaign, same SHA-256."""
    _require_importer(request)
    campaign = _campaign(request, pk)
    try:
        upload = load_upload(request.POST.get("token", ""), user=request.user, purpose=PURPOSE)
        if upload.extra.get("campaign") != campaign.pk:
            raise FileRefused(_("预览的名单属于另一个慰问活动，请重新上传。"))
        data = upload.read_verified()
        table = read_table(data, columns=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS)
        if table.row_count > SYNC_LIST_ROWS:
            job = start_job(
                kind=LIST_IMPORT_KIND,
                title=_("导入名单：%(file)s") % {"file": upload.filename},
                by=request.user,
                params={"token": upload.token, "language": get_language()},
            )
            return redirect(job.get_absolute_url())
        result = import_campaign_list(
            data, campaign=campaign, by=request.user, filename=upload.filename
        )
    except FileRefused as refusal:
        return _upload_page(request, campaign, refusal.message, status=400)
    if not result.committed:
        return _preview_page(
            request,
            campaign,
            upload=upload,
            summary=result.summary(),
            errors=result.errors[:PREVIEW_ERROR_LIMIT],
            error_count=len(result.errors),
        )
    upload.discard()
    return render(
        request,
        "payments/transfers/list_result.html",
        {"campaign": campaign, "summary": result.summary(), "filename": upload.filename},
    )


@login_required
def export(request, fmt):
    """The current filtered list of payments, as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if not request.user.has_perm("payments.view_payment"):
        raise PermissionDenied
    return export_response(request, PAYMENTS_EXPORT, fmt, job_kind=EXPORT_KIND)
