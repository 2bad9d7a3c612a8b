"""Small helpers the payments views share."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator

from accounts.roles import Role, has_role

PAGE_SIZE = 50


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def refuse_auditor_posts(request) -> None:
    """Auditors read everything in scope and never write."""
    if request.method == "POST" and has_role(request.user, Role.AUDITOR):
        raise PermissionDenied


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
