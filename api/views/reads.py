"""Read-only resources: cases, visits, campaigns, batches — each through its page's selector."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from cases.filters_casework import CaseFilter
from cases.models import CaseCategory, CaseStatus, HardshipLevel
from cases.selectors import cases_visible_to, visits_visible_to
from cases.services import record_visit
from core.numbers import as_id
from core.scope import get_in_scope_or_404
from payments import permissions as payment_permissions
from payments.models import CampaignStatus
from payments.selectors import batches_visible_to, campaigns_visible_to
from payments.selectors_allocations import allocation_rows, allocations_visible_to

from ..base import ReadOnlyResource, with_etag
from ..conditional import idempotent
from ..serializers import (
    AllocationSerializer,
    BatchSerializer,
    CampaignSerializer,
    CaseSerializer,
    VisitCreateSerializer,
    VisitSerializer,
)
from . import documents
from .people import form_errors

CASE_FILTERS = [
    OpenApiParameter("q", str, description="姓名开头、身份证号后四位或完整身份证号"),
    OpenApiParameter("category", str, enum=CaseCategory.values),
    OpenApiParameter("hardship_level", str, enum=HardshipLevel.values),
    OpenApiParameter("status", str, enum=CaseStatus.values),
    OpenApiParameter("organisation", int, description="单位（含下级）/ organisation and below"),
    OpenApiParameter("mine", bool),
    OpenApiParameter("overdue", bool, description="逾期未复核 / review overdue"),
]


def _require(allowed: bool) -> None:
    if not allowed:
        raise exceptions.PermissionDenied(_("您没有执行此操作的权限。"))


@extend_schema_view(list=extend_schema(parameters=CASE_FILTERS))
class CaseViewSet(ReadOnlyResource):
    """个案 / cases in scope, filtered like the case list page."""

    serializer_class = CaseSerializer

    def get_queryset(self):
        user = self.request.user
        _require(user.has_perm("cases.view_case"))
        cases = cases_visible_to(user)
        if self.action != "list" or not self.request.query_params:
            return cases
        case_filter = CaseFilter(self.request.query_params, queryset=cases, user=user)
        if not case_filter.is_valid():
            raise form_errors(case_filter.form)
        return case_filter.qs


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("case", int)]))
class VisitViewSet(ReadOnlyResource):
    """走访记录：查询与记录（可附照片）/ visits of cases in scope; record one with photos."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": VisitCreateSerializer},
        responses={201: VisitSerializer},
    )
    def create(self, request, *args, **kwargs):
        serializer = VisitCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)

        def handler():
            case = get_in_scope_or_404(
                cases_visible_to(request.user).select_related("organisation"),
                request,
                pk=data.pop("case"),
            )
            visit = record_visit(case, by=request.user, **data)
            fresh = self.get_queryset().get(pk=visit.pk)
            return with_etag(request, VisitSerializer(fresh).data, status=201)

        return idempotent(request, handler)

    serializer_class = VisitSerializer

    def get_queryset(self):
        user = self.request.user
        _require(user.has_perm("cases.view_visit"))
        visits = visits_visible_to(user).prefetch_related("attachments")
        case = self.request.query_params.get("case")
        if self.action == "list" and case:
            case_id = as_id(case)
            if case_id is None:
                raise exceptions.ValidationError({"case": [_("个案编号不正确。")]})
            visits = visits.filter(case_id=case_id)
        return visits


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("year", int),
            OpenApiParameter("status", str, enum=CampaignStatus.values),
        ]
    )
)
class CampaignViewSet(ReadOnlyResource):
    """慰问活动 / campaigns run in or above the caller's organisation."""

    serializer_class = CampaignSerializer

    def get_queryset(self):
        user = self.request.user
        _require(user.has_perm("payments.view_campaign"))
        campaigns = campaigns_visible_to(user)
        if self.action != "list":
            return campaigns
        params = self.request.query_params
        year, status = params.get("year"), params.get("status")
        if year:
            if as_id(year) is None or len(year) != 4:
                raise exceptions.ValidationError({"year": [_("年度应为四位数字。")]})
            campaigns = campaigns.filter(year=int(year))
        if status:
            if status not in CampaignStatus.values:
                raise exceptions.ValidationError({"status": [_("状态不正确。")]})
            campaigns = campaigns.filter(status=status)
        return campaigns

    @extend_schema(responses={200: AllocationSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def allocations(self, request, pk=None):
        """下拨：各工会的金额、名额与执行情况 / the campaign's allocations, as on its page."""
        campaign = self.get_object()
        rows = allocation_rows(list(allocations_visible_to(request.user, campaign)))
        return Response(AllocationSerializer(rows, many=True).data)


class BatchViewSet(ReadOnlyResource):
    """发放批次 / disbursement batches (finance, leader, auditor)."""

    serializer_class = BatchSerializer

    def get_queryset(self):
        user = self.request.user
        _require(payment_permissions.can_view_batches(user))
        return batches_visible_to(user)

    @documents.bank_file_schema
    @action(detail=True, methods=["get"], url_path="bank-file")
    def bank_file(self, request, pk=None):
        """银行转账文件 / the bank transfer file (CSV or XLSX)."""
        return documents.batch_bank_file(request, self.get_object())
