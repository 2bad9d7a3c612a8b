"""The pages every import shares: upload, preview (or its progress), confirm, error report.

Each URL passes the import's `ImportFlow` as the `flow` keyword (see the apps' `urls`); the
remaining keywords name the target (a campaign, a batch).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from core.errors import RuleViolation
from jobs.models import Job, JobStatus
from jobs.services import start_job

from .flow import Checked, ImportFlow, Problem, error_report_csv
from .services import (
    UploadRefused,
    discard_upload,
    keep_upload,
    load_upload,
    load_upload_by_id,
    read_verified,
    receive,
    save_preview,
)


def _begin(request, flow: ImportFlow, url_kwargs):
    if not flow.allowed(request.user):
        raise PermissionDenied
    return flow.target_for(request, **url_kwargs)


def _url(flow: ImportFlow, step: str, target, **extra) -> str:
    return reverse(flow.url_names[step], kwargs={**flow.url_kwargs(target), **extra})


def _context(flow: ImportFlow, target, **extra):
    return {
        "flow": flow,
        "target": target,
        "upload_url": _url(flow, "upload", target),
        "limit_mb": flow.max_bytes(target) // 1024 // 1024,
        **flow.page_context(target),
        **extra,
    }


def _upload_page(request, flow, target, error: str = "", status: int = 200):
    return render(
        request, "uploads/upload.html", _context(flow, target, error=error), status=status
    )


def _preview_page(request, flow, target, upload, preview: dict, job=None):
    errors = [Problem(**error) for error in preview["errors"]]
    return render(
        request,
        "uploads/preview.html",
        _context(
            flow,
            target,
            upload=upload,
            summary=preview["summary"],
            errors=errors,
            error_count=preview["error_count"],
            errors_truncated=preview["error_count"] > len(errors),
            job=job,
            confirm_url=_url(flow, "confirm", target),
            errors_url=_url(flow, "errors", target),
            confirm_text=flow.confirm_text(preview["summary"]),
        ),
    )


def _start(request, flow: ImportFlow, kind: str, title: str, upload):
    return start_job(
        kind=kind,
        title=title % {"file": upload.filename},
        by=request.user,
        params={"upload": str(upload.pk), "language": get_language()},
    )


@login_required
def upload(request, *, flow: ImportFlow, **url_kwargs):
    """GET: the form. POST: keep the file privately and preview it (or queue the check)."""
    target = _begin(request, flow, url_kwargs)
    if request.method != "POST":
        return _upload_page(request, flow, target)
    try:
        data = receive(request.FILES.get("file"), limit=flow.max_bytes(target))
        rows = flow.count_rows(data)
        if rows > (limit := flow.max_rows(target)):
            raise UploadRefused(flow.too_many_rows(rows, limit, target))
    except RuleViolation as refusal:
        return _upload_page(request, flow, target, refusal.message, status=400)
    kept = keep_upload(
        data,
        filename=request.FILES["file"].name,
        owner=request.user,
        purpose=flow.purpose,
        target=flow.target_key(target),
    )
    if rows > flow.sync_rows:
        job = _start(request, flow, flow.preview_kind, _("预览导入：%(file)s"), kept)
        return redirect(_url(flow, "preview", target, job=job.pk))
    try:
        checked = flow.check(data, filename=kept.filename, user=request.user, target=target)
    except RuleViolation as refusal:
        discard_upload(kept)
        return _upload_page(request, flow, target, refusal.message, status=400)
    save_preview(kept, checked.as_preview())
    return _preview_page(request, flow, target, kept, kept.preview)


@login_required
def preview(request, *, flow: ImportFlow, job, **url_kwargs):
    """The preview of a large file checked in the background; polls until it is ready."""
    target = _begin(request, flow, url_kwargs)
    job = get_object_or_404(Job, pk=job, owner=request.user, kind=flow.preview_kind)
    if not job.is_finished:
        template = "uploads/_progress.html" if request.htmx else "uploads/wait.html"
        return render(request, template, _context(flow, target, job=job))
    if request.htmx:
        return HttpResponseClientRefresh()
    if job.status == JobStatus.FAILED:
        return _upload_page(request, flow, target, job.message, status=400)
    try:
        kept = load_upload_by_id(
            job.params.get("upload", ""), user=request.user, purpose=flow.purpose
        )
    except RuleViolation as refusal:
        return _upload_page(request, flow, target, refusal.message, status=400)
    if kept.preview is None:
        return _upload_page(request, flow, target, _("预览结果已失效，请重新上传。"), status=400)
    return _preview_page(request, flow, target, kept, kept.preview, job=job)


def _confirmed_upload(request, flow: ImportFlow, target, token: str):
    kept = load_upload(token, user=request.user, purpose=flow.purpose)
    if kept.target != flow.target_key(target):
        raise RuleViolation(_("预览的文件属于另一个导入对象，请重新上传。"))
    return kept


@login_required
@require_POST
def confirm(request, *, flow: ImportFlow, **url_kwargs):
    """Import exactly the previewed file: same owner, same target, same SHA-256."""
    target = _begin(request, flow, url_kwargs)
    try:
        kept = _confirmed_upload(request, flow, target, request.POST.get("token", ""))
        data = read_verified(kept)
        if flow.count_rows(data) > flow.sync_rows:
            job = _start(request, flow, flow.apply_kind, _("导入：%(file)s"), kept)
            return redirect(job.get_absolute_url())
        checked: Checked = flow.apply(
            data, filename=kept.filename, user=request.user, target=target
        )
    except RuleViolation as refusal:
        return _upload_page(request, flow, target, refusal.message, status=400)
    if not checked.committed:  # the database changed since the preview: show what is wrong now
        save_preview(kept, checked.as_preview())
        return _preview_page(request, flow, target, kept, kept.preview)
    discard_upload(kept)
    return render(
        request,
        "uploads/result.html",
        _context(
            flow, target, summary=checked.summary, filename=kept.filename, links=flow.links(target)
        ),
    )


@login_required
def errors(request, *, flow: ImportFlow, **url_kwargs):
    """Every error of a previewed file, as CSV (the preview page shows the first thousand)."""
    target = _begin(request, flow, url_kwargs)
    try:
        kept = _confirmed_upload(request, flow, target, request.GET.get("token", ""))
        checked = flow.check(
            read_verified(kept), filename=kept.filename, user=request.user, target=target
        )
    except RuleViolation:
        raise Http404 from None
    response = HttpResponse(
        error_report_csv(checked.errors), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, _("导入错误清单.csv"))
    return response
