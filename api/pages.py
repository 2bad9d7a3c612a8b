"""The token page: create (the secret is shown once), list with last use, revoke.

Every user manages their own tokens; an administrator also those of others. An auditor may use
it too: a token is the auditor's own credential, not domain data.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.middleware import auditor_may_post
from core.errors import RuleViolation
from core.scope import get_in_scope_or_404

from .forms import TokenForm
from .selectors import tokens_visible_to
from .services import can_manage_tokens_of_others, create_token, revoke_token


@never_cache
@auditor_may_post
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    manager = can_manage_tokens_of_others(request.user)
    form = TokenForm(request.POST or None, may_choose_owner=manager)
    issued = None
    if request.method == "POST" and form.is_valid():
        owner = form.cleaned_data.get("owner") or request.user
        try:
            issued = create_token(
                owner=owner,
                by=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
            )
        except RuleViolation as error:
            form.add_error(None, error.message)
        else:
            form = TokenForm(may_choose_owner=manager)
    page = Paginator(tokens_visible_to(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "api/token_list.html",
        {"form": form, "page": page, "issued": issued, "manager": manager},
    )


@auditor_may_post
@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_in_scope_or_404(tokens_visible_to(request.user), request, pk=pk)
    try:
        revoke_token(token, by=request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("令牌“%(name)s”已吊销。") % {"name": token.name})
    return redirect("api:tokens")
