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


def index_unindexed_history(tracked=None, *, chunk: int = 5000) -> int:
    """Write the missing ChangeEntry rows of history rows written without the signal.

    Only for history the application itself wrote in bulk on a database that cannot return the
    new ids; `verify_audit` never calls it, since it would also accept a forged row. Returns the
    number of rows indexed.
    """
    from .chain import record_history_rows
    from .models import ChangeEntry
    from .registry import tracked_models

    done = 0
    for item in [tracked] if tracked is not None else list(tracked_models().values()):
        indexed = ChangeEntry.objects.filter(model=item.label).values("history_id")
        missing = list(
            item.history_model.objects.exclude(history_id__in=indexed)
            .order_by("history_id")
            .values_list("history_id", flat=True)
        )
        for start in range(0, len(missing), chunk):
            record_history_rows(item, missing[start : start + chunk])
        done += len(missing)
    return done


def get_in_scope_or_404(queryset, request, **lookup):
    """`get_object_or_404` over a scoped queryset that logs out-of-scope lookups.

    A record outside the user's scope answers 404 like a missing one, so its existence is not
    revealed; but when it does exist, the attempt is written to the access log.
    """
    from django.http import Http404

    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        if queryset.model._default_manager.filter(**lookup).exists():
            log_access(
                user=request.user,
                action=AccessAction.OUT_OF_SCOPE,
                object_type=queryset.model._meta.label_lower,
                object_id=next(iter(lookup.values()), ""),
                detail={"path": request.path},
                request=request,
            )
        raise Http404 from None
