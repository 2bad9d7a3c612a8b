"""One JSON error shape for every refusal, with the pages' own messages.

    {"error": {"status": 409, "code": "four_eyes", "message": "…", "fields": {"amount": ["…"]}}}

`message` is in the request's language (Chinese unless `Accept-Language: en`); `code` is stable
and meant for programs; `fields` names the inputs that were wrong (empty when none).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from core.errors import RuleViolation

# Rule violations are 409 (the request was understood; the state of things refuses it), except
# those that are about the input itself (400) or about who asks (403).
RULE_STATUS = {
    "not_permitted": status.HTTP_403_FORBIDDEN,
    "invalid_amount": status.HTTP_400_BAD_REQUEST,
    "justification_required": status.HTTP_400_BAD_REQUEST,
    "reason_required": status.HTTP_400_BAD_REQUEST,
    "token_refused": status.HTTP_400_BAD_REQUEST,
    "casework_not_allowed": status.HTTP_403_FORBIDDEN,
    "invalid_case_data": status.HTTP_400_BAD_REQUEST,
    "attachment_rejected": status.HTTP_400_BAD_REQUEST,
    "invalid_visit": status.HTTP_400_BAD_REQUEST,
}


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "stale"
    default_code = "precondition_failed"


class IdempotencyConflict(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "idempotency"
    default_code = "idempotency_key_reused"


def error_body(status_code: int, code: str, message: str, fields: dict | None = None) -> dict:
    return {
        "error": {"status": status_code, "code": code, "message": message, "fields": fields or {}}
    }


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _flatten(value)]
    if isinstance(detail, list):
        return [m for value in detail for m in _flatten(value)]
    return [str(detail)]


def _fields(detail) -> dict:
    if not isinstance(detail, dict):
        return {}
    return {str(name): _flatten(value) for name, value in detail.items()}


def exception_handler(exc, context):
    """DRF's handler, reshaped; anything it does not know stays a 500 (and is reported)."""
    if isinstance(exc, RuleViolation):
        code = exc.code
        status_code = RULE_STATUS.get(code, status.HTTP_409_CONFLICT)
        field = getattr(exc, "field", None)  # casework rules name the input they refuse
        fields = {field: [exc.message]} if field else {}
        set_rollback()
        return Response(error_body(status_code, code, exc.message, fields), status=status_code)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        messages = _flatten(fields) if fields else list(exc.messages)
        set_rollback()
        return Response(
            error_body(400, "invalid", messages[0] if messages else _("输入有误。"), fields),
            status=400,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("未找到，或不在您的管理范围内。"))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(_("您没有执行此操作的权限。"))
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    set_rollback()
    detail = exc.detail
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(detail)
        messages = _flatten(detail)
        message = messages[0] if len(messages) == 1 else _("输入有误，请按各项提示修改。")
        if not fields:
            fields = {"non_field_errors": messages}
        body = error_body(exc.status_code, "invalid", message, fields)
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        body = error_body(exc.status_code, str(code), " ".join(_flatten(detail)))
    return Response(body, status=exc.status_code, headers=headers)
