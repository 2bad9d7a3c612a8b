"""Files: a payment's letter (PDF) and a batch's bank transfer file — the pages' services, the
pages' logs (print record, access log)."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions

from core.scope import get_in_scope_or_404
from letters import selectors as letter_selectors
from letters.permissions import can_print
from letters.services import print_payment_letter
from payments import permissions as payment_permissions
from payments import services as payment_services
from payments.resources import export_bank_file
from payments.selectors import batch_lines

from ..serializers import ErrorSerializer

PDF = OpenApiResponse(OpenApiTypes.BINARY, description="application/pdf")
BANK_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _require(allowed: bool) -> None:
    if not allowed:
        raise exceptions.PermissionDenied(_("您没有执行此操作的权限。"))


letter_schema = extend_schema(
    responses={(200, "application/pdf"): PDF, 409: ErrorSerializer},
    description="慰问信 PDF（记入打印记录）/ the payment's letter as a PDF, recorded as printed.",
)


def payment_letter(request, pk: int) -> HttpResponse:
    _require(can_print(request.user))
    payment = get_in_scope_or_404(
        letter_selectors.with_letter_relations(letter_selectors.payments_visible_to(request.user)),
        request,
        pk=pk,
    )
    out = print_payment_letter(payment=payment, by=request.user, request=request)
    response = HttpResponse(out.content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, out.filename)
    return response


bank_file_schema = extend_schema(
    parameters=[OpenApiParameter("file_format", str, enum=list(BANK_FORMATS), default="csv")],
    responses={
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
        (
            200,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ): OpenApiResponse(OpenApiTypes.BINARY),
    },
    description="银行转账文件（含完整账号，仅财务，记入访问日志）/ the bank file, finance only.",
)


def batch_bank_file(request, batch) -> HttpResponse:
    _require(payment_permissions.can_export_bank_file(request.user))
    file_format = request.query_params.get("file_format", "csv")
    if file_format not in BANK_FORMATS:
        raise exceptions.ValidationError({"file_format": [_("文件格式只能是 csv 或 xlsx。")]})
    lines = batch_lines(batch).order_by("id")
    content = export_bank_file(lines, file_format)
    payment_services.log_bank_file_export(
        batch, by=request.user, file_format=file_format, lines=len(lines), request=request
    )
    response = HttpResponse(content, content_type=BANK_FORMATS[file_format])
    response["Content-Disposition"] = f'attachment; filename="{batch.reference}.{file_format}"'
    response["Cache-Control"] = "no-store"
    return response
