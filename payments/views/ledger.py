"""The finance files: the 台账 page (choose union and year, see the total, download) and the
发放花名册 downloads of a campaign and of a batch."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.numbers import is_id
from core.scope import get_in_scope_or_404
from jobs.services import start_job

from .. import permissions
from ..jobs import FINANCE_FILE_KIND
from ..ledger import selectors
from ..ledger.documents import File, RosterSubject, ledger_file, roster_file
from ..models import PaymentStatus
from ..selectors import batches_visible_to, campaigns_visible_to
from .common import require

FORMATS = ("pdf", "xlsx")
FIRST_YEAR = 2000
# Above this many rows the file is built by a background job the user watches (a boxed,
# print-ready sheet costs far more per row than a plain export: see bench/README.md).
SYNC_ROWS = {"xlsx": 2_000, "pdf": 500}


def _download(file: File) -> HttpResponse:
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{escape_uri_path(file.filename)}"
    )
    return response


def _deliver(request, *, rows: int, fmt: str, title: str, params: dict, build) -> HttpResponse:
    """The file now, or (when long) a background job and its progress page."""
    if rows <= SYNC_ROWS[fmt]:
        return _download(build())
    job = start_job(
        kind=FINANCE_FILE_KIND,
        title=_("%(title)s（%(n)d行）") % {"title": title, "n": rows},
        by=request.user,
        params={**params, "format": fmt, "language": get_language()},
    )
    return redirect(job.get_absolute_url())


def _year(request) -> int:
    value = request.GET.get("year", "")
    this_year = timezone.localdate().year
    if not value:
        return this_year
    if len(value) != 4 or not is_id(value) or not FIRST_YEAR <= int(value) <= this_year + 1:
        raise Http404
    return int(value)


def _union(request):
    """The chosen union (404 outside the scope); the user's own organisation by default."""
    unions = selectors.ledger_unions(request.user)
    value = request.GET.get("organisation", "")
    if not value:
        return unions.filter(pk=request.user.organisation_id).first() or unions.first()
    if not is_id(value):
        raise Http404
    return get_in_scope_or_404(unions, request, pk=int(value))


@login_required
def ledger(request):
    """Choose a union and a year; the page shows what the file will hold before it is built."""
    require(permissions.can_view_payments(request.user))
    year = _year(request)
    union = _union(request)
    summary = None
    if union is not None:
        summary = selectors.ledger_payments(request.user, union, year).aggregate(
            count=Count("id"),
            total=Sum("amount", filter=~Q(status=PaymentStatus.REVERSED)),
            reversed=Count("id", filter=Q(status=PaymentStatus.REVERSED)),
        )
    this_year = timezone.localdate().year
    return render(
        request,
        "payments/ledger.html",
        {
            "unions": selectors.ledger_unions(request.user).only("id", "name", "path"),
            "union": union,
            "year": year,
            "years": range(this_year + 1, this_year - 10, -1),
            "summary": summary,
        },
    )


@login_required
def ledger_download(request):
    require(permissions.can_view_payments(request.user))
    year = _year(request)
    union = _union(request)
    if union is None:
        raise Http404
    return _deliver(
        request,
        rows=selectors.ledger_payments(request.user, union, year).count(),
        fmt="xlsx",
        title=_("台账"),
        params={"file": "ledger", "organisation": union.pk, "year": year},
        build=lambda: ledger_file(request.user, union, year, request=request),
    )


@login_required
def campaign_roster(request, pk: int, fmt: str):
    """The roster of a campaign, optionally of one union's part (`?organisation=`)."""
    require(permissions.can_view_payments(request.user))
    if fmt not in FORMATS:
        raise Http404
    campaign = get_in_scope_or_404(campaigns_visible_to(request.user), request, pk=pk)
    organisation = None
    if request.GET.get("organisation"):
        organisation = _union(request)
    subject = RosterSubject(campaign=campaign, organisation=organisation)
    return _deliver(
        request,
        rows=subject.payments(request.user).count(),
        fmt=fmt,
        title=_("发放花名册"),
        params={
            "file": "roster",
            "campaign": campaign.pk,
            "organisation": organisation.pk if organisation else None,
        },
        build=lambda: roster_file(request.user, subject, fmt, request=request),
    )


@login_required
def batch_roster(request, pk: int, fmt: str):
    require(
        permissions.can_view_batches(request.user) and permissions.can_view_payments(request.user)
    )
    if fmt not in FORMATS:
        raise Http404
    batch = get_in_scope_or_404(batches_visible_to(request.user), request, pk=pk)
    subject = RosterSubject(campaign=batch.campaign, batch=batch)
    return _deliver(
        request,
        rows=subject.payments(request.user).count(),
        fmt=fmt,
        title=_("发放花名册"),
        params={"file": "roster", "batch": batch.pk},
        build=lambda: roster_file(request.user, subject, fmt, request=request),
    )
