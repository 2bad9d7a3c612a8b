"""Writing the access log and indexing history written in bulk.

Domain code calls `core.access.log_access`, which lands in `record_access`; nothing else writes
AccessLog.
"""

from .models import AccessLog


def record_access(*, user, action, object_type, object_id, field, detail, ip_address) -> AccessLog:
    """The recorder behind `core.access.log_access` (registered in `AuditsConfig.ready`)."""
    authenticated = getattr(user, "is_authenticated", False)
    return AccessLog.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else detail.get("username", ""),
        action=action,
        object_type=object_type,
        object_id=object_id,
        field=field,
        detail=detail,
        ip_address=ip_address,
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
            item.history_model._default_manager.exclude(history_id__in=indexed)
            .order_by("history_id")
            .values_list("history_id", flat=True)
        )
        for start in range(0, len(missing), chunk):
            record_history_rows(item, missing[start : start + chunk])
        done += len(missing)
    return done
