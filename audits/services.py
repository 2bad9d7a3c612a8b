"""Writing the access log. Domain code calls `log_access`; nothing else writes AccessLog."""

from typing import Any

from django.db import models

from .models import AccessAction, AccessLog


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
) -> AccessLog:
    """Record one access. `obj` fills object_type/object_id as `app_label.model` and pk."""
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = obj.pk
    authenticated = getattr(user, "is_authenticated", False)
    return AccessLog.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else (detail or {}).get("username", ""),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        field=field,
        detail=detail or {},
        ip_address=client_ip(request),
    )
