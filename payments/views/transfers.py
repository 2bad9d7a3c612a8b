"""The campaign chooser of the list import (the import itself is `uploads.views` run with
`payments.transfers.flows.CAMPAIGN_LIST_IMPORT`) and the payments export."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from accounts.middleware import auditor_may_post
from cases.transfers.exporting import export_response
from cases.transfers.full_export import full_export
from payments.jobs import EXPORT_KIND
from payments.transfers.campaign_list import campaigns_open_to
from payments.transfers.exports import PAYMENTS_EXPORT
from payments.transfers.flows import CAMPAIGN_LIST_IMPORT


@login_required
def choose_campaign(request):
    if not CAMPAIGN_LIST_IMPORT.allowed(request.user):
        raise PermissionDenied
    campaigns = campaigns_open_to(request.user).order_by("-year", "name")[:200]
    return render(request, "payments/transfers/list_choose.html", {"campaigns": campaigns})


def _check_export(request, fmt) -> None:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if not request.user.has_perm("payments.view_payment"):
        raise PermissionDenied


@login_required
def export(request, fmt):
    """The current filtered list of payments, as CSV or XLSX, masked."""
    _check_export(request, fmt)
    return export_response(request, PAYMENTS_EXPORT, fmt, job_kind=EXPORT_KIND)


@never_cache
@auditor_may_post
@login_required
def export_full(request, fmt):
    """The same list with full ID numbers and accounts: permission, reason, confirmation."""
    _check_export(request, fmt)
    masked = reverse("payments:export", args=[fmt])
    if request.GET:
        masked += "?" + request.GET.urlencode()
    return full_export(request, PAYMENTS_EXPORT, fmt, job_kind=EXPORT_KIND, masked_url=masked)
