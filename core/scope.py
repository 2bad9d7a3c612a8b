"""Organisation scope helpers shared by every app's views."""

from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

from .access import AccessAction, log_access

M = TypeVar("M", bound=Model)


def get_in_scope_or_404(queryset: QuerySet[M], request, **lookup) -> M:
    """`get_object_or_404` over a scoped queryset that logs out-of-scope lookups.

    A record outside the user's scope answers 404 like a missing one, so its existence is not
    revealed; but when it does exist, the attempt is written to the access log.
    """
    try:
        return queryset.get(**lookup)
    except ObjectDoesNotExist:
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
