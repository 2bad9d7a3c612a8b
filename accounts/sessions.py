"""Sessions end after 30 idle minutes and at the latest 12 hours after signing in.

Both limits are settings (`RELIEF_SESSION_IDLE_SECONDS`, `RELIEF_SESSION_MAX_SECONDS`). The
activity stamp is rewritten at most once a minute, so an ordinary page view does not write the
session row. An ended session is flushed and the user sent to sign in again, with a message.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

DEFAULT_IDLE_SECONDS = 30 * 60
DEFAULT_MAX_SECONDS = 12 * 60 * 60
STARTED, SEEN = "relief_session_started", "relief_session_seen"
_STAMP_EVERY = 60


def idle_limit() -> int:
    return int(getattr(settings, "RELIEF_SESSION_IDLE_SECONDS", DEFAULT_IDLE_SECONDS))


def absolute_limit() -> int:
    return int(getattr(settings, "RELIEF_SESSION_MAX_SECONDS", DEFAULT_MAX_SECONDS))


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            session, now = request.session, int(time.time())
            started = session.get(STARTED)
            seen = session.get(SEEN)
            if started is None:
                session[STARTED] = started = now
            if (seen is not None and now - seen > idle_limit()) or now - started > absolute_limit():
                logout(request)
                messages.info(request, _("您已长时间未操作或登录已超过时限，请重新登录。"))
                return redirect_to_login(request.get_full_path())
            if seen is None or now - seen >= _STAMP_EVERY:
                session[SEEN] = now
        return self.get_response(request)
