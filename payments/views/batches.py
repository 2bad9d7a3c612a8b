"""Disbursement batches: list, build, page, bank file export, sent (the bank result import is
the shared upload flow, `payments.transfers.flows.BANK_RESULT_IMPORT`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import RuleViolation
from core.numbers import is_id
from core.scope import get_in_scope_or_404

from .. import permissions, services
from ..resources import export_bank_file
from ..selectors import (
    REPEATED_FAILURES,
    batch_lines,
    batchable_payments,
    batches_visible_to,
    campaigns_visible_to,
    failed_line_counts,
)
from .common import paginate, query_without_page, refuse_auditor_posts, require


@login_required
def batch_list(request):
    require(permissions.can_view_batches(request.user))
    batches = (
        batches_visible_to(request.user)
        .annotate(line_count=Count("lines"), total=Sum("lines__amount"))
        .order_by("-created_at", "-id")
    )
    return render(
        request,
        "payments/batch_list.html",
        {
            "page": paginate(request, batches),
            "query": query_without_page(request),
            "can_manage": permissions.can_manage_batches(request.user),
        },
    )


@login_required
def batch_create(request):
    refuse_auditor_posts(request)
    require(permissions.can_manage_batches(request.user))
    campaigns = campaigns_visible_to(request.user).filter(status__in=["open", "closed"])
    campaign_id = request.POST.get("campaign") or request.GET.get("campaign")
    campaign = None
    if campaign_id:
        if not is_id(campaign_id):
            raise Http404
        campaign = get_in_scope_or_404(campaigns, request, pk=int(campaign_id))
    if request.method == "POST" and campaign is not None:
        try:
            batch = services.create_batch(
                campaign, request.POST.getlist("payment"), by=request.user
            )
        except RuleViolation as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已建立发放批次 %(ref)s。") % {"ref": batch})
            return redirect(batch)
    eligible = list(batchable_payments(request.user, campaign)[:500]) if campaign else []
    failures = failed_line_counts(p.pk for p in eligible) if eligible else {}
    for payment in eligible:
        payment.failed_times = failures.get(payment.pk, 0)
        payment.repeatedly_failed = payment.failed_times >= REPEATED_FAILURES
    return render(
        request,
        "payments/batch_create.html",
        {"campaigns": campaigns, "campaign": campaign, "eligible": eligible},
    )


@login_required
def batch_detail(request, pk: int):
    require(permissions.can_view_batches(request.user))
    batch = get_in_scope_or_404(batches_visible_to(request.user), request, pk=pk)
    lines = batch_lines(batch)
    totals = lines.aggregate(total=Sum("amount"), count=Count("id"))
    by_result = dict(
        lines.order_by()
        .values_list("result")
        .annotate(total=Sum("amount"))
        .values_list("result", "total")
    )
    return render(
        request,
        "payments/batch_detail.html",
        {
            "batch": batch,
            "page": paginate(request, lines, per_page=100),
            "query": query_without_page(request),
            "totals": totals,
            "by_result": by_result,
            "can_export": permissions.can_export_bank_file(request.user),
            "can_manage": permissions.can_manage_batches(request.user),
            "can_mark": permissions.can_mark_results(request.user),
        },
    )


@login_required
def batch_export(request, pk: int, file_format: str):
    """The bank transfer file, with full account numbers: finance only, every export logged."""
    require(permissions.can_export_bank_file(request.user))
    if file_format not in ("xlsx", "csv"):
        raise Http404
    batch = get_in_scope_or_404(batches_visible_to(request.user), request, pk=pk)
    lines = batch_lines(batch).order_by("id")
    content = export_bank_file(lines, file_format)
    services.log_bank_file_export(
        batch, by=request.user, file_format=file_format, lines=len(lines), request=request
    )
    content_type = (
        "text/csv; charset=utf-8"
        if file_format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{batch.reference}.{file_format}"'
    return response


@require_POST
@login_required
def batch_mark_sent(request, pk: int):
    refuse_auditor_posts(request)
    require(permissions.can_manage_batches(request.user))
    batch = get_in_scope_or_404(batches_visible_to(request.user), request, pk=pk)
    try:
        services.mark_batch_sent(batch, by=request.user)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("批次已标记为已发送银行。"))
    return redirect(batch)
