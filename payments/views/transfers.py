"""Pages of the campaign list import and the payments export."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cases.transfers.exporting import export_response
from payments.jobs import EXPORT_KIND
from payments.transfers.exports import PAYMENTS_EXPORT


@login_required
def export(request, fmt):
    """The current filtered list of payments, as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if not request.user.has_perm("payments.view_payment"):
        raise PermissionDenied
    return export_response(request, PAYMENTS_EXPORT, fmt, job_kind=EXPORT_KIND)
