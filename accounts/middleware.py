"""Auditors read; they never write. Enforced once, for every view, instead of in each one.

Any request with an unsafe method (POST, PUT, PATCH, DELETE) from a user holding the auditor role
is refused with 403 (which `audits.middleware.RefusalLogMiddleware` logs), except:
- signing in and out, changing one's own password, switching the language;
- the audit area itself (namespace `audits`: exports and reports are the auditor's work);
- views marked `@auditor_may_post` because they read (for example revealing a masked number,
  which writes nothing but the access log).
"""

from django.core.exceptions import PermissionDenied

from .roles import Role, has_role

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
ALLOWED_URL_NAMES = frozenset({"login", "logout", "password_change", "set_language"})
ALLOWED_NAMESPACES = frozenset({"audits"})


def auditor_may_post(view):
    """Mark a view whose POST reads rather than writes, so auditors may use it."""
    view.auditor_may_post = True
    return view


class AuditorReadOnlyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS:
            return None
        user = getattr(request, "user", None)
        if user is None or not has_role(user, Role.AUDITOR):
            return None
        match = request.resolver_match
        if match is not None and (
            match.url_name in ALLOWED_URL_NAMES or ALLOWED_NAMESPACES & set(match.namespaces)
        ):
            return None
        if getattr(view_func, "auditor_may_post", False):
            return None
        raise PermissionDenied("Auditors have read-only access.")
