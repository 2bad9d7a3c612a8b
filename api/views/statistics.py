"""统计 / the statistics as JSON: the page's figures through the page's selectors (`figures`),
so a script reading the API and a person reading the page see the same numbers."""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from figures.filters import parse_filters
from figures.permissions import can_view_statistics
from figures.tables import MoneyRow, build_statistics

from ..base import ApiViewMixin

FILTERS = [
    OpenApiParameter("year", int, description="年度 / calendar year (default: this year)"),
    OpenApiParameter("organisation", int, description="单位（含下级）/ a union and its subtree"),
    OpenApiParameter("sector", str, description="行业 / sector code"),
    OpenApiParameter("kind", str, description="活动类型 / campaign kind code"),
    OpenApiParameter("category", str, description="个案类别 / case category code"),
]


def _money(row: MoneyRow, list_url: str) -> dict:
    m = row.money
    return {
        "label": row.label,
        "paid_count": m.paid_n,
        "paid": str(m.paid),
        "reversed_count": m.reversed_n,
        "reversed": str(m.reversed),
        "net_count": m.net_n,
        "net": str(m.net),
        "pending_count": m.pending_n,
        "pending": str(m.pending),
        "list": f"{list_url}?{row.links['net']}",
    }


@extend_schema(parameters=FILTERS, responses={200: OpenApiTypes.OBJECT})
class StatisticsView(ApiViewMixin, APIView):
    """统计 / the year's figures: money paid minus reversed (a reversal in its own period),
    approved-not-paid apart, by union, sector, month, campaign kind × item × source × tier and
    campaign; hardship files; visits. Scoped like the page: officers see their subtree."""

    def get(self, request):
        if not can_view_statistics(request.user):
            raise exceptions.PermissionDenied(_("您没有查看统计的权限。"))
        f = parse_filters(request.user, request.query_params)
        stats = build_statistics(request.user, f)
        url = request.build_absolute_uri(reverse("figures:payments"))

        def rows(items):
            return [_money(r, url) for r in items]

        files = stats.files
        return Response(
            {
                "year": f.year,
                "filters": f.params(),
                "errors": list(f.errors),
                "total": _money(stats.total, url),
                "by_union": rows(stats.by_union),
                "by_sector": rows(stats.by_sector),
                "by_month": rows(stats.months),
                "by_kind": rows(stats.by_kind),
                "by_kind_item_source_tier": rows(stats.by_kind_source_tier),
                "campaigns": [
                    {**_money(r, url), "budget": str(r.extra["budget"])} for r in stats.campaigns
                ],
                "files": {
                    "in_file": files.in_file,
                    "in_file_total": files.in_file_total,
                    "new": files.new,
                    "exited": files.exited,
                    "returned": files.returned,
                    "withdrawn": files.withdrawn,
                    "reviews_done": files.reviewed,
                    "reviews_due": files.due,
                },
                "visits": [{"label": v["label"], "count": v["total"]} for v in stats.visits],
            }
        )
