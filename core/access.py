"""The access-log interface: what every app calls to record a reveal, export, print or refusal.

Domain apps must not import `audits` (it reads them all, so the arrow would run both ways).
They call `log_access` here; the audits app registers the recorder that writes the row when it
is ready (`audits.apps.AuditsConfig.ready`). Without a recorder, logging fails loudly: an
access that should be logged is never silently dropped.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    REVEAL = "reveal", _("查看敏感信息")
    EXPORT = "export", _("导出")
    PRINT = "print", _("打印")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    DENIED = "denied", _("权限不足被拒绝")
    FOUR_EYES = "four_eyes", _("违反双人审批被拒绝")
    OUT_OF_SCOPE = "out_of_scope", _("越权访问被拒绝")


Recorder = Callable[..., Any]
_recorder: Recorder | None = None


def register_recorder(recorder: Recorder) -> None:
    """Called once by the app that stores the access log."""
    global _recorder
    _recorder = recorder


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def log_access(
    *,
    user,
    action: AccessAction | str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    field: str = "",
    detail: dict[str, Any] | None = None,
    request=None,
) -> Any:
    """Record one access. `obj` fills object_type/object_id as `app_label.model` and pk."""
    if _recorder is None:
        raise ImproperlyConfigured("No access-log recorder is registered (is `audits` installed?)")
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = obj.pk
    return _recorder(
        user=user,
        action=action,
        object_type=_without_nul(object_type),
        object_id=_without_nul(str(object_id)),
        field=_without_nul(field),
        detail=_without_nul(detail or {}),
        ip_address=client_ip(request),
    )


def _without_nul(value):
    """PostgreSQL stores no NUL character in text or JSON: a typed NUL (a filter value, say)
    is recorded as U+FFFD instead of failing the request."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(v) for v in value]
    return value
