"""Reads of the auditor's workspace: the change log, timelines, and their scope.

Scope: an auditor of the federation (an organisation without a parent) sees everything,
including records that belong to no organisation (poverty lines, users without one); an auditor
of a grassroots union sees the records whose organisation lies in their subtree.
"""

import base64
import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from cases.selectors import scope_path

from .models import AccessLog, ChangeEntry


def audit_scope(user) -> str | None:
    """Empty for everything, a path prefix for a subtree, None for nothing."""
    prefix = scope_path(user)
    organisation = getattr(user, "organisation", None)
    if prefix and organisation is not None and organisation.parent_id is None:
        return ""
    return prefix


def scoped(qs: QuerySet, user, path_field: str) -> QuerySet:
    prefix = audit_scope(user)
    if prefix is None:
        return qs.none()
    if prefix == "":
        return qs
    return qs.filter(**{f"{path_field}__startswith": prefix})


def entries_visible_to(user) -> QuerySet[ChangeEntry]:
    return scoped(ChangeEntry.objects.select_related("user"), user, "organisation_path")


def access_visible_to(user) -> QuerySet[AccessLog]:
    """Access-log rows of users in scope (anonymous failures only at federation level)."""
    qs = AccessLog.objects.select_related("user")
    prefix = audit_scope(user)
    if prefix is None:
        return qs.none()
    if prefix == "":
        return qs
    return qs.filter(user__organisation__path__startswith=prefix)


@dataclass
class ChangeFilters:
    model: str = ""
    user_ids: list[int] | None = None
    organisation_path: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    kind: str = ""
    object_id: str = ""


def filter_entries(qs: QuerySet, f: ChangeFilters) -> QuerySet:
    """Each filter is an equality or range on an indexed column (see ChangeEntry.Meta)."""
    from django.utils import timezone

    if f.model:
        qs = qs.filter(model=f.model)
        if f.object_id:
            qs = qs.filter(object_id=f.object_id)
    if f.user_ids:
        qs = qs.filter(user_id__in=f.user_ids)
    if f.organisation_path:
        qs = qs.filter(organisation_path__startswith=f.organisation_path)
    tz = timezone.get_current_timezone()
    if f.date_from:
        qs = qs.filter(at__gte=datetime.datetime.combine(f.date_from, datetime.time(), tz))
    if f.date_to:
        end = datetime.datetime.combine(f.date_to + datetime.timedelta(days=1), datetime.time(), tz)
        qs = qs.filter(at__lt=end)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    return qs


# ---------------------------------------------------------------- keyset pagination


def encode_cursor(at: datetime.datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{pk}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime.datetime, int] | None:
    try:
        at, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.datetime.fromisoformat(at), int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


def keyset_page(qs: QuerySet, cursor: str, size: int) -> tuple[list, str | None]:
    """Newest first by (at, id); `at <= x` is repeated so the index gives the range."""
    qs = qs.order_by("-at", "-id")
    position = decode_cursor(cursor) if cursor else None
    if position is not None:
        at, pk = position
        qs = qs.filter(Q(at__lte=at) & (Q(at__lt=at) | Q(at=at, id__lt=pk)))
    rows = list(qs[: size + 1])
    following = None
    if len(rows) > size:
        rows = rows[:size]
        following = encode_cursor(rows[-1].at, rows[-1].pk)
    return rows, following
