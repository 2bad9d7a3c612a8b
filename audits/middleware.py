"""Write every refused request (403) to the access log, whichever view refused it."""

from .models import AccessAction
from .services import log_access


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
