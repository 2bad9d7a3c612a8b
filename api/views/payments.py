"""Payments: scoped reads and the same service functions as the pages for every step.

Four-eyes, budget, annual cap, scope and state are the services' rules; this module only turns
HTTP into calls and `RuleViolation` into the JSON error (see `api.errors`).
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.selectors import cases_visible_to, organisations_visible_to
from core.numbers import as_id
from core.scope import get_in_scope_or_404
from payments import permissions, services
from payments.forms import ApprovalFilterForm
from payments.models import PaymentStatus
from payments.selectors import campaigns_visible_to, payments_visible_to

from ..base import ReadOnlyResource, with_etag
from ..conditional import check_if_match, etag_of, idempotent
from ..serializers import (
    BulkApprovalResultsSerializer,
    BulkApprovalSerializer,
    PaymentDraftSerializer,
    PaymentSerializer,
    ReasonSerializer,
)
from . import documents
from .people import form_errors

PAYMENT_FILTERS = [
    OpenApiParameter("status", str, enum=PaymentStatus.values),
    OpenApiParameter("campaign", int),
    OpenApiParameter("organisation", int, description="单位（含下级）/ organisation and below"),
    OpenApiParameter("case", int),
    OpenApiParameter("amount_min", str, description="最低金额 / minimum amount"),
    OpenApiParameter("amount_max", str, description="最高金额 / maximum amount"),
]
IF_MATCH = OpenApiParameter("If-Match", str, OpenApiParameter.HEADER)
STEP = extend_schema(request=None, responses={200: PaymentSerializer}, parameters=[IF_MATCH])
REASONED_STEP = extend_schema(
    request=ReasonSerializer, responses={200: PaymentSerializer}, parameters=[IF_MATCH]
)


@extend_schema_view(list=extend_schema(parameters=PAYMENT_FILTERS))
class PaymentViewSet(ReadOnlyResource):
    """慰问金：查询、起草、提交、审批、驳回、取消 / payments and their steps."""

    serializer_class = PaymentSerializer

    def get_queryset(self):
        user = self.request.user
        if not permissions.can_view_payments(user):
            raise exceptions.PermissionDenied(_("您没有查看慰问金的权限。"))
        qs = payments_visible_to(user).select_related("campaign")
        if self.action != "list":
            return qs
        params = self.request.query_params
        form = ApprovalFilterForm(
            params,
            campaigns=campaigns_visible_to(user),
            organisations=organisations_visible_to(user),
        )
        if not form.is_valid():
            raise form_errors(form)
        data = form.cleaned_data
        status = params.get("status")
        if status:
            if status not in PaymentStatus.values:
                raise exceptions.ValidationError({"status": [_("状态不正确。")]})
            qs = qs.filter(status=status)
        if data.get("campaign"):
            qs = qs.filter(campaign=data["campaign"])
        if data.get("organisation"):
            qs = qs.filter(organisation__path__startswith=data["organisation"].path)
        if data.get("amount_min") is not None:
            qs = qs.filter(amount__gte=data["amount_min"])
        if data.get("amount_max") is not None:
            qs = qs.filter(amount__lte=data["amount_max"])
        case = params.get("case")
        if case:
            case_id = as_id(case)
            if case_id is None:
                raise exceptions.ValidationError({"case": [_("个案编号不正确。")]})
            qs = qs.filter(case_id=case_id)
        return qs

    @extend_schema(request=PaymentDraftSerializer, responses={201: PaymentSerializer})
    def create(self, request, *args, **kwargs):
        """起草一笔慰问金（与页面同一服务）/ draft a payment through the page's service."""
        if not permissions.can_draft_payments(request.user):
            raise exceptions.PermissionDenied(_("您没有起草慰问金的权限。"))
        serializer = PaymentDraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data

        def handler():
            case = get_in_scope_or_404(
                cases_visible_to(request.user).select_related("person", "organisation"),
                request,
                pk=data["case"],
            )
            campaign = get_in_scope_or_404(
                campaigns_visible_to(request.user), request, pk=data["campaign"]
            )
            payment = services.draft_payment(
                case,
                campaign,
                by=request.user,
                amount=data.get("amount"),
                method=data["method"],
                purpose=data.get("purpose", ""),
                justification=data.get("justification", ""),
                assistance_item=data.get("assistance_item", ""),
            )
            return with_etag(request, PaymentSerializer(payment).data, status=201)

        return idempotent(request, handler)

    def _step(self, request, step, **kwargs):
        payment = self.get_object()
        check_if_match(request, etag_of(PaymentSerializer(payment).data))

        def handler():
            step(payment, by=request.user, **kwargs)
            fresh = self.get_queryset().get(pk=payment.pk)
            return with_etag(request, PaymentSerializer(fresh).data)

        return idempotent(request, handler)

    def _reason(self, request) -> str:
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data.get("reason", "")

    @STEP
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """提交审批 / submit a draft."""
        return self._step(request, services.submit_payment)

    @STEP
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """审批（超过二级审批起点时由分管领导复审）/ approve, or second-approve."""
        return self._step(request, services.approve_payment)

    @extend_schema(request=BulkApprovalSerializer, responses={200: BulkApprovalResultsSerializer})
    @action(detail=False, methods=["post"], url_path="bulk-approve")
    def bulk_approve(self, request):
        """批量审批：每笔一个结果，驳回的写明原因 / approve many payments in one call (first
        or second approval each); one result per id, in order, refusals with the reason."""
        serializer = BulkApprovalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        wanted = serializer.validated_data["payments"]
        services.require_some_approval_permission(request.user)

        def handler():
            found = self.get_queryset().in_bulk(set(wanted))
            outcomes = iter(
                services.approve_payments([found[i] for i in wanted if i in found], by=request.user)
            )
            results = []
            for pk in wanted:
                if pk not in found:
                    results.append(
                        {"id": pk, "reference": "", "ok": False, "status": "", "code": "not_found",
                         "message": _("未找到该慰问金。")}
                    )  # fmt: skip
                    continue
                outcome = next(outcomes)
                p, error = outcome.payment, outcome.error
                results.append(
                    {
                        "id": pk,
                        "reference": p.reference,
                        "ok": error is None,
                        "status": p.status,
                        "code": error.code if error else None,
                        "message": error.message if error else p.get_status_display(),
                    }
                )
            return Response({"results": results})

        return idempotent(request, handler)

    @REASONED_STEP
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """驳回（须写明理由）/ reject, with a reason."""
        return self._step(request, services.reject_payment, reason=self._reason(request))

    @REASONED_STEP
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """取消草稿或待审批的慰问金 / cancel a draft or a submitted payment."""
        return self._step(request, services.cancel_payment, reason=self._reason(request))

    @documents.letter_schema
    @action(detail=True, methods=["get"])
    def letter(self, request, pk=None):
        """慰问信 PDF / the payment's letter."""
        return documents.payment_letter(request, int(pk))
