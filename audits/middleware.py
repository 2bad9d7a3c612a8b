"""Write every refused request (403) to the access log, whichever view refused it."""

from core.access import AccessAction, log_access


class RefusalLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403 and getattr(request, "user", None) is not None:
            log_access(
                user=request.user,
                action=AccessAction.DENIED,
                detail={"path": request.path, "method": request.method},
                request=request,
            )
        return response


class HistoryRevertGuardMiddleware:
    """Refuse (403), for everyone, POSTs to simple-history's admin "revert" view:
    SIMPLE_HISTORY_REVERT_DISABLED only hides its button, the view would still save an old
    version over the record. (Auditors' read-only rule is `accounts.middleware`.)"""

    SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.http import HttpResponseForbidden
        from django.utils.translation import gettext as _

        if request.method in self.SAFE_METHODS:
            return None
        match = getattr(request, "resolver_match", None)
        if match is not None and (match.url_name or "").endswith("_simple_history"):
            return HttpResponseForbidden(_("历史记录只能查看，不能恢复或修改。"))
        return None
