"""The auditor's workspace: change log, record timelines, exception reports, exports.

Every view is read-only and needs `audits.view_audit` (exports: `audits.export_audit`); other
users get 403, records outside the auditor's scope 404.
"""

import itertools
from collections.abc import Iterator
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from core.access import AccessAction, log_access
from core.reasons import translate_reason

from .access_labels import label_access_rows
from .diffs import describe
from .exports import export_response
from .forms import AccessLogFilterForm, ChangeLogFilterForm
from .models import ChangeEntry
from .permissions import can_export_audit, can_view_audit
from .registry import tracked_models
from .reports import REPORTS, REPORTS_IN_ORDER
from .selectors import access_visible_to, entries_visible_to, filter_entries, keyset_page

PAGE_SIZE = 50
REPORT_PAGE_SIZE = 50
TIMELINE_LIMIT = 200
EXPORT_FORMATS = ("csv", "xlsx")
CHANGE_HEADER = [
    gettext_lazy("时间"),
    gettext_lazy("操作人"),
    gettext_lazy("记录类型"),
    gettext_lazy("记录编号"),
    gettext_lazy("记录"),
    gettext_lazy("变更类型"),
    gettext_lazy("变更内容"),
    gettext_lazy("原因"),
]


def audit_view(export: bool = False):
    def decorate(view):
        @login_required
        @require_safe
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not can_view_audit(request.user) or (export and not can_export_audit(request.user)):
                raise PermissionDenied
            if export and kwargs.get("fmt") not in EXPORT_FORMATS:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def _change_cells(item) -> list:
    entry = item.entry
    return [
        timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
        item.user_label,
        item.model_name,
        entry.object_id,
        item.title,
        item.kind_label,
        item.summary,
        translate_reason(entry.reason),
    ]


def _stream_entries(qs, chunk: int = 500) -> Iterator[list]:
    cursor = ""
    while True:
        entries, cursor = keyset_page(qs, cursor, chunk)
        for item in describe(entries):
            yield _change_cells(item)
        if not cursor:
            return


@audit_view()
def changelog(request):
    form = ChangeLogFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    qs = filter_entries(entries_visible_to(request.user), filters)
    entries, following = keyset_page(qs, request.GET.get("after", ""), PAGE_SIZE)
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "audits/changelog.html",
        {
            "form": form,
            "items": describe(entries),
            "following": following,
            "is_first": not request.GET.get("after"),
            "query": query.urlencode(),
            "can_export": can_export_audit(request.user),
        },
    )


@audit_view(export=True)
def changelog_export(request, fmt):
    form = ChangeLogFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    qs = filter_entries(entries_visible_to(request.user), filters)
    log_access(
        user=request.user,
        action=AccessAction.EXPORT,
        object_type="audits.changeentry",
        detail={"view": "changelog", "format": fmt, "filters": request.GET.dict()},
        request=request,
    )
    return export_response(fmt, "changelog", [str(h) for h in CHANGE_HEADER], _stream_entries(qs))


def _record(request, label: str, pk: str):
    tracked = tracked_models().get(label)
    if tracked is None:
        raise Http404
    entries = entries_visible_to(request.user).filter(model=label, object_id=pk)
    if not entries.exists():
        if ChangeEntry.objects.filter(model=label, object_id=pk).exists():
            log_access(
                user=request.user,
                action=AccessAction.OUT_OF_SCOPE,
                object_type=label,
                object_id=pk,
                detail={"path": request.path},
                request=request,
            )
        raise Http404
    return tracked, entries


def _timeline_items(request, label, pk, entries, limit):
    changes = describe(list(entries.order_by("-at", "-id")[:limit]))
    accesses = list(
        access_visible_to(request.user)
        .filter(object_type=label, object_id=pk)
        .order_by("-at", "-id")[:limit]
    )
    fields = {f.name: f.verbose_name for f in tracked_models()[label].model._meta.fields}
    for access in accesses:
        access.field_label = fields.get(access.field, access.field)
        access.who = str(access.user) if access.user is not None else access.username
    items = [("change", c.entry.at, c) for c in changes] + [("access", a.at, a) for a in accesses]
    items.sort(key=lambda item: item[1], reverse=True)
    return changes, items


@audit_view()
def timeline(request, label, pk):
    tracked, entries = _record(request, label, pk)
    changes, items = _timeline_items(request, label, pk, entries, TIMELINE_LIMIT)
    latest = changes[0] if changes else None
    return render(
        request,
        "audits/timeline.html",
        {
            "label": label,
            "pk": pk,
            "model_name": tracked.model._meta.verbose_name,
            "title": latest.title if latest else f"#{pk}",
            "record_url": latest.url if latest else None,
            "items": items,
            "limited": len(changes) >= TIMELINE_LIMIT,
            "limit": TIMELINE_LIMIT,
            "can_export": can_export_audit(request.user),
        },
    )


@audit_view(export=True)
def timeline_export(request, label, pk, fmt):
    _tracked, entries = _record(request, label, pk)
    log_access(
        user=request.user,
        action=AccessAction.EXPORT,
        object_type=label,
        object_id=pk,
        detail={"view": "timeline", "format": fmt},
        request=request,
    )

    def rows():
        yield from _stream_entries(entries)
        for log in access_visible_to(request.user).filter(object_type=label, object_id=pk):
            yield [
                timezone.localtime(log.at).strftime("%Y-%m-%d %H:%M:%S"),
                log.username,
                _("访问日志"),
                pk,
                log.field,
                log.get_action_display(),
                str(log.detail or ""),
                log.ip_address or "",
            ]

    return export_response(fmt, f"timeline-{label}-{pk}", [str(h) for h in CHANGE_HEADER], rows())


@audit_view()
def report_index(request):
    return render(request, "audits/reports.html", {"reports": REPORTS_IN_ORDER})


def _report(slug):
    report = REPORTS.get(slug)
    if report is None:
        raise Http404
    return report


@audit_view()
def report(request, slug):
    report = _report(slug)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    start = (page - 1) * REPORT_PAGE_SIZE
    rows = list(itertools.islice(report.rows(request.user), start, start + REPORT_PAGE_SIZE + 1))
    return render(
        request,
        "audits/report.html",
        {
            "report": report,
            "rows": [
                {"labelled": list(zip(report.header, row.cells, strict=False)), "link": row.link}
                for row in rows[:REPORT_PAGE_SIZE]
            ],
            "page": page,
            "has_next": len(rows) > REPORT_PAGE_SIZE,
            "can_export": can_export_audit(request.user),
        },
    )


@audit_view(export=True)
def report_export(request, slug, fmt):
    report = _report(slug)
    log_access(
        user=request.user,
        action=AccessAction.EXPORT,
        object_type="audits.report",
        object_id=slug,
        detail={"view": "report", "report": slug, "format": fmt},
        request=request,
    )
    rows = (row.cells for row in report.rows(request.user))
    return export_response(fmt, f"report-{slug}", [str(h) for h in report.header], rows)


ACCESS_HEADER = [
    gettext_lazy("时间"),
    gettext_lazy("用户"),
    gettext_lazy("动作"),
    gettext_lazy("对象类型"),
    gettext_lazy("对象"),
    gettext_lazy("字段"),
    gettext_lazy("详情"),
    gettext_lazy("来源地址"),
]


def _access_cells(log) -> list:
    return [
        timezone.localtime(log.at).strftime("%Y-%m-%d %H:%M:%S"),
        str(log.user) if log.user_id else log.username,
        log.get_action_display(),
        log.type_label,
        log.record_label,
        log.field_label,
        str(log.detail or ""),
        log.ip_address or "",
    ]


@audit_view()
def access_log(request):
    form = AccessLogFilterForm(request.GET or None)
    qs = form.apply(access_visible_to(request.user))
    logs, following = keyset_page(qs, request.GET.get("after", ""), PAGE_SIZE)
    label_access_rows(logs)
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "audits/access_log.html",
        {
            "form": form,
            "logs": logs,
            "following": following,
            "is_first": not request.GET.get("after"),
            "query": query.urlencode(),
            "can_export": can_export_audit(request.user),
        },
    )


@audit_view(export=True)
def access_log_export(request, fmt):
    form = AccessLogFilterForm(request.GET or None)
    qs = form.apply(access_visible_to(request.user))
    log_access(
        user=request.user,
        action=AccessAction.EXPORT,
        object_type="audits.accesslog",
        detail={"view": "access_log", "format": fmt, "filters": request.GET.dict()},
        request=request,
    )

    def rows():
        cursor = ""
        while True:
            logs, cursor = keyset_page(qs, cursor, 1000)
            label_access_rows(logs)
            for log in logs:
                yield _access_cells(log)
            if not cursor:
                return

    return export_response(fmt, "access-log", [str(h) for h in ACCESS_HEADER], rows())


@audit_view()
def latest_checkpoint(request):
    """The newest checkpoint the worker stored, to keep outside the system (404 when none)."""
    from django.core.files.storage import default_storage
    from django.http import FileResponse

    from .checkpoints import latest_stored_checkpoint

    if not can_export_audit(request.user):
        raise PermissionDenied
    name = latest_stored_checkpoint()
    if name is None:
        raise Http404(_("还没有保存的审计检查点。"))
    log_access(
        user=request.user,
        action=AccessAction.EXPORT,
        object_type="audits.checkpoint",
        detail={"view": "checkpoint", "file": name},
        request=request,
    )
    response = FileResponse(
        default_storage.open(name, "rb"),
        content_type="application/json",
        as_attachment=True,
        filename=name.rsplit("/", 1)[-1],
    )
    response["Cache-Control"] = "private, max-age=0, no-store"
    return response
