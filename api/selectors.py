"""Reads of API tokens, scoped: a user sees their own, an administrator everyone's."""

from django.db.models import QuerySet

from .models import ApiToken
from .services import can_manage_tokens_of_others


def tokens_visible_to(user) -> QuerySet[ApiToken]:
    """Own tokens; an administrator sees everyone's."""
    qs = ApiToken.objects.select_related("user", "created_by", "revoked_by")
    if can_manage_tokens_of_others(user):
        return qs
    return qs.filter(user=user)
