"""The roster template and the cases exports (the roster import itself is `uploads.views`
run with `cases.transfers.flow.PEOPLE_IMPORT`)."""

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.middleware import auditor_may_post
from cases.jobs import EXPORT_KIND
from cases.transfers.exporting import (
    XLSX_TYPE,
    attachment,
    export_response,
    may_reveal,
    write_template,
)
from cases.transfers.exports import EXPORTS
from cases.transfers.flow import PEOPLE_IMPORT
from cases.transfers.full_export import full_export
from cases.transfers.people import (
    COL_ACCOUNT,
    COL_ID,
    COL_MOBILE,
    PEOPLE_COLUMNS,
    PEOPLE_OPTIONAL_COLUMNS,
)


@login_required
def people_import_template(request):
    """An empty roster with the contract's header and the optional columns (district, address,
    household, status, flags), text-formatted so ID numbers stay intact."""
    if not PEOPLE_IMPORT.allowed(request.user):
        raise PermissionDenied
    buffer = io.BytesIO()
    write_template(
        buffer,
        PEOPLE_COLUMNS + PEOPLE_OPTIONAL_COLUMNS,
        text_columns=(COL_ID, COL_MOBILE, COL_ACCOUNT),
    )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    return attachment(response, _("职工导入模板.xlsx"))


_EXPORT_PERMISSION = {
    "people": "cases.view_person",
    "cases": "cases.view_case",
    "visits": "cases.view_visit",
}


def _export_spec(request, kind, fmt):
    spec = EXPORTS.get(kind)
    if spec is None or fmt not in ("csv", "xlsx"):
        raise Http404
    if not request.user.has_perm(_EXPORT_PERMISSION[kind]):
        raise PermissionDenied
    return spec


@login_required
def export(request, kind, fmt):
    """The current filtered list of people, cases or visits, as CSV or XLSX, masked."""
    return export_response(request, _export_spec(request, kind, fmt), fmt, job_kind=EXPORT_KIND)


@never_cache
@auditor_may_post
@login_required
def export_full(request, kind, fmt):
    """The same list with full ID numbers and accounts: permission, reason, confirmation."""
    spec = _export_spec(request, kind, fmt)
    masked = reverse("cases:export", args=[kind, fmt])
    if request.GET:
        masked += "?" + request.GET.urlencode()
    return full_export(request, spec, fmt, job_kind=EXPORT_KIND, masked_url=masked)


@login_required
def transfers_home(request):
    """One page that lists the imports and exports this user may use."""
    return render(
        request,
        "cases/transfers/home.html",
        {
            "can_import": PEOPLE_IMPORT.allowed(request.user),
            "can_reveal": may_reveal(request.user),
            "exports": [
                spec
                for kind, spec in EXPORTS.items()
                if request.user.has_perm(_EXPORT_PERMISSION[kind])
            ],
        },
    )
