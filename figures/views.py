"""统计: the page, the lists behind its figures, and the year-end return.

Leader, finance and auditor see the whole federation, officers their subtree (the scope comes
from the user's organisation like everywhere); an organisation outside it is a 404.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from cases.models import CaseCategory, Sector
from cases.selectors import organisations_visible_to
from core.access import AccessAction, log_access
from core.paging import keyset_page
from payments.models import CampaignKind

from . import selectors as s
from .filters import FIRST_YEAR, StatFilter, parse_filters
from .permissions import can_view_statistics
from .returns import build_return, prepare_soon, render_return_xlsx, return_pdf
from .tables import build_statistics, tier_label

PAGE_SIZE = 50


def _require(user) -> None:
    if not can_view_statistics(user):
        raise PermissionDenied


def _filter_form(user, f: StatFilter) -> dict:
    this_year = timezone.localdate().year
    return {
        "years": list(range(this_year + 1, FIRST_YEAR - 1, -1)),
        "organisations": organisations_visible_to(user).order_by("tree_order").only("id", "name"),
        "sectors": Sector.choices,
        "kinds": CampaignKind.choices,
        "categories": CaseCategory.choices,
    }


@login_required
def statistics(request):
    _require(request.user)
    f = parse_filters(request.user, request.GET)
    stats = build_statistics(request.user, f)
    # The return PDF linked from this page, rendered by the worker while the page is read.
    sheet = build_return(request.user, f, filled_on=timezone.localdate(), stats=stats)
    prepare_soon(request.user, f.params(), sheet)
    return render(
        request,
        "figures/statistics.html",
        {
            "f": f,
            "stats": stats,
            "sheet": sheet,  # its 填报单位 heads the page: whose figures these are
            "chart_data": stats.chart_data(),
            **_filter_form(request.user, f),
        },
    )


@login_required
def payment_list(request):
    """The payments one figure counts, with the list's own total beside the figure's."""
    _require(request.user)
    f = parse_filters(request.user, request.GET, with_figure=True)
    qs = s.filtered_payments(request.user, f).filter(s.movement_q(f.figure, f))
    listed = s.money_of(qs, f, people=f.figure == "kept")  # the people are shown for `kept`
    page = keyset_page(
        request,
        qs.select_related("person", "organisation", "campaign", "case"),
        ("-id",),
        PAGE_SIZE,
        count=listed.rows,
    )
    return render(
        request,
        "figures/payment_list.html",
        {
            "f": f,
            "total": listed.money,
            "people": listed.people,
            "page": page,
            "tier_label": tier_label(f.tier) if f.tier else "",
        },
    )


def _file_figure_labels() -> dict[str, str]:
    """The hardship-file figures as the statistics page names them."""
    return {
        "in_file": _("期末在档合计"),
        "new": _("本期新建档"),
        "exited": _("本期脱困"),
        "returned": _("本期返困"),
        "withdrawn": _("本期退档"),
        "reviewed": _("年度复核已完成"),
        "due": _("年度应复核"),
    }


@login_required
def file_list(request):
    _require(request.user)
    f = parse_filters(
        request.user, request.GET, with_figure=True, figures=(*s.FILE_FIGURES, "reviewed")
    )
    qs = s.filtered_files(request.user, f)
    if f.figure == "reviewed":
        qs = qs.filter(pk__in=s.reviews_done(request.user, f).values("case_id"))
    else:
        qs = qs.filter(s.file_q(f.figure, f))
    page = keyset_page(request, qs.select_related("person", "organisation"), ("-id",), PAGE_SIZE)
    return render(
        request,
        "figures/file_list.html",
        {
            "f": f,
            "figure": f.figure,
            "figure_label": _file_figure_labels()[f.figure],
            "page": page,
        },
    )


@login_required
def visit_list(request):
    _require(request.user)
    f = parse_filters(request.user, request.GET, with_figure=True)
    qs = s.filtered_visits(request.user, f)
    page = keyset_page(
        request,
        qs.select_related("case__person", "case__organisation"),
        ("-visit_date", "-id"),
        PAGE_SIZE,
    )
    return render(request, "figures/visit_list.html", {"f": f, "page": page})


RETURN_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@login_required
def return_file(request, fmt: str):
    """The 年度帮扶统计表 of the page's filters, as XLSX (for print) or PDF."""
    if fmt not in RETURN_TYPES:
        raise Http404
    _require(request.user)
    f = parse_filters(request.user, request.GET)
    sheet = build_return(request.user, f, filled_on=timezone.localdate())
    if fmt == "xlsx":
        content, pages = render_return_xlsx(sheet), None
    else:
        content, pages = return_pdf(sheet)
    log_access(
        user=request.user,
        action=AccessAction.EXPORT,
        object_type="figures.annual_return",
        detail={"format": fmt, "filters": f.params(), "pages": pages},
        request=request,
    )
    response = HttpResponse(content, content_type=RETURN_TYPES[fmt])
    filename = f"{f.year}年度帮扶统计表.{fmt}"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response
