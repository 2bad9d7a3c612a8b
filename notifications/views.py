"""The inbox, the top bar's count (fetched by htmx after the page, so no page pays for it), and
the e-mail digest switch."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.numbers import as_id

from . import services
from .selectors import email_digest_enabled, inbox_for, unread_count


@login_required
def inbox(request):
    page = Paginator(inbox_for(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "unread": unread_count(request.user),
            "email_digest": email_digest_enabled(request.user),
        },
    )


@login_required
def badge(request):
    count = unread_count(request.user)
    return HttpResponse(str(count) if count else "", content_type="text/plain; charset=utf-8")


@login_required
@require_POST
def read(request):
    ids = [n for i in request.POST.getlist("notification") if (n := as_id(i)) is not None]
    services.mark_read(request.user, ids or None)
    return redirect("notifications:inbox")


@login_required
def open_notification(request, pk: int):
    """Mark one notification read and follow its link (only the recipient's own)."""
    notification = get_object_or_404(inbox_for(request.user), pk=pk)
    services.mark_read(request.user, [notification.pk])
    link = notification.link
    # A path on this site only: "//host/…" starts with "/" too but leaves the site.
    local = link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None)
    return redirect(link if local else "notifications:inbox")


@login_required
@require_POST
def email_setting(request):
    enabled = request.POST.get("email_digest") == "on"
    services.set_email_digest(request.user, enabled)
    messages.success(request, _("已开启每日邮件摘要。") if enabled else _("已关闭每日邮件摘要。"))
    return redirect("notifications:inbox")
