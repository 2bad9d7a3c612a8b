"""Pages of the roster import (upload → preview → confirm) and the cases exports."""

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from cases.jobs import EXPORT_KIND, IMPORT_KIND, PREVIEW_KIND
from cases.permissions import can_add_people, can_edit_people
from cases.transfers.exporting import XLSX_TYPE, attachment, export_response, write_template
from cases.transfers.exports import EXPORTS
from cases.transfers.files import (
    MAX_UPLOAD_BYTES,
    SYNC_ROW_LIMIT,
    FileRefused,
    load_upload,
    read_table,
    read_upload_field,
    store_upload,
)
from cases.transfers.people import (
    COL_ACCOUNT,
    COL_ID,
    COL_MOBILE,
    PEOPLE_COLUMNS,
    import_people,
    plan_people_import,
)
from cases.transfers.reports import PREVIEW_ERROR_LIMIT, error_report_csv
from jobs.models import Job, JobStatus
from jobs.services import start_job

PURPOSE = "people"


def _require_importer(request) -> None:
    if not (can_add_people(request.user) and can_edit_people(request.user)):
        raise PermissionDenied


def _upload_page(request, error: str = "", status: int = 200):
    context = {
        "columns": PEOPLE_COLUMNS,
        "limit_mb": MAX_UPLOAD_BYTES // 1024 // 1024,
        "sync_rows": SYNC_ROW_LIMIT,
        "error": error,
    }
    return render(request, "cases/transfers/people_import.html", context, status=status)


def _preview_page(request, *, upload, summary, errors, error_count, job=None):
    context = {
        "upload": upload,
        "summary": summary,
        "errors": errors,
        "error_count": error_count,
        "errors_truncated": error_count > len(errors),
        "job": job,
        "columns": PEOPLE_COLUMNS,
    }
    return render(request, "cases/transfers/people_preview.html", context)


@login_required
def people_import(request):
    """GET: the upload form. POST: keep the file privately and preview it (or queue the check)."""
    _require_importer(request)
    if request.method != "POST":
        return _upload_page(request)
    try:
        data = read_upload_field(request.FILES.get("file"))
        table = read_table(data, columns=PEOPLE_COLUMNS)
    except FileRefused as refusal:
        return _upload_page(request, refusal.message, status=400)
    upload = store_upload(
        data, filename=request.FILES["file"].name, user=request.user, purpose=PURPOSE
    )
    if table.row_count > SYNC_ROW_LIMIT:
        job = start_job(
            kind=PREVIEW_KIND,
            title=_("预览导入：%(file)s") % {"file": upload.filename},
            by=request.user,
            params={"token": upload.token, "language": get_language()},
        )
        return redirect("cases:people_import_preview", pk=job.pk)
    try:
        plan = plan_people_import(data, filename=upload.filename, by=request.user)
    except FileRefused as refusal:
        upload.discard()
        return _upload_page(request, refusal.message, status=400)
    return _preview_page(
        request,
        upload=upload,
        summary=plan.summary(),
        errors=plan.errors[:PREVIEW_ERROR_LIMIT],
        error_count=len(plan.errors),
    )


@login_required
def people_import_preview(request, pk):
    """The preview of a large roster, checked in the background; polls until it is ready."""
    _require_importer(request)
    job = get_object_or_404(Job, pk=pk, owner=request.user, kind=PREVIEW_KIND)
    if not job.is_finished:
        if request.htmx:
            return render(request, "cases/transfers/_preview_progress.html", {"job": job})
        return render(request, "cases/transfers/people_preview_wait.html", {"job": job})
    if request.htmx:
        return HttpResponseClientRefresh()
    if job.status == JobStatus.FAILED:
        return _upload_page(request, job.message, status=400)
    upload = load_upload(job.params["token"], user=request.user, purpose=PURPOSE)
    preview = job.params["preview"]
    return _preview_page(
        request,
        upload=upload,
        summary=preview["summary"],
        errors=preview["errors"],
        error_count=preview["error_count"],
        job=job,
    )


@login_required
@require_POST
def people_import_confirm(request):
    """Import exactly the previewed file: its SHA-256 must still match the preview's."""
    _require_importer(request)
    try:
        upload = load_upload(request.POST.get("token", ""), user=request.user, purpose=PURPOSE)
        data = upload.read_verified()
        table = read_table(data, columns=PEOPLE_COLUMNS)
        if table.row_count > SYNC_ROW_LIMIT:
            job = start_job(
                kind=IMPORT_KIND,
                title=_("导入职工：%(file)s") % {"file": upload.filename},
                by=request.user,
                params={"token": upload.token, "language": get_language()},
            )
            return redirect(job.get_absolute_url())
        plan = import_people(data, filename=upload.filename, by=request.user)
    except FileRefused as refusal:
        return _upload_page(request, refusal.message, status=400)
    if not plan.ok:  # the database changed since the preview: show what is wrong now
        return _preview_page(
            request,
            upload=upload,
            summary=plan.summary(),
            errors=plan.errors[:PREVIEW_ERROR_LIMIT],
            error_count=len(plan.errors),
        )
    upload.discard()
    return render(
        request,
        "cases/transfers/people_result.html",
        {"summary": plan.summary(), "filename": upload.filename},
    )


@login_required
def people_import_errors(request):
    """Every error of a previewed file, as CSV (the preview page shows the first thousand)."""
    _require_importer(request)
    try:
        upload = load_upload(request.GET.get("token", ""), user=request.user, purpose=PURPOSE)
        plan = plan_people_import(upload.read_verified(), filename=upload.filename, by=request.user)
    except FileRefused:
        raise Http404 from None
    response = HttpResponse(error_report_csv(plan.errors), content_type="text/csv; charset=utf-8")
    return attachment(response, _("导入错误清单.csv"))


@login_required
def people_import_template(request):
    """An empty roster with the contract's header, text-formatted so ID numbers stay intact."""
    _require_importer(request)
    buffer = io.BytesIO()
    write_template(buffer, PEOPLE_COLUMNS, text_columns=(COL_ID, COL_MOBILE, COL_ACCOUNT))
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    return attachment(response, _("职工导入模板.xlsx"))


_EXPORT_PERMISSION = {
    "people": "cases.view_person",
    "cases": "cases.view_case",
    "visits": "cases.view_visit",
}


@login_required
def export(request, kind, fmt):
    """The current filtered list of people, cases or visits, as CSV or XLSX."""
    spec = EXPORTS.get(kind)
    if spec is None or fmt not in ("csv", "xlsx"):
        raise Http404
    if not request.user.has_perm(_EXPORT_PERMISSION[kind]):
        raise PermissionDenied
    return export_response(request, spec, fmt, job_kind=EXPORT_KIND)


@login_required
def transfers_home(request):
    """One page that lists the imports and exports this user may use."""
    return render(
        request,
        "cases/transfers/home.html",
        {
            "can_import": can_add_people(request.user) and can_edit_people(request.user),
            "exports": [
                spec
                for kind, spec in EXPORTS.items()
                if request.user.has_perm(_EXPORT_PERMISSION[kind])
            ],
        },
    )
