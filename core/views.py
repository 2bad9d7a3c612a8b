"""Pages that belong to no domain app: the home page and the favicon redirect."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_GET


@login_required
def home(request):
    return render(request, "home.html")


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links; send them to the static icon."""
    return HttpResponsePermanentRedirect(static("relief/favicon.svg"))
