"""The home page: each role is sent to its own work (`accounts.landing`)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .landing import landing_url


@login_required
def home(request):
    """Redirect to the role's work; `?menu=1` (and a user without a landing) sees every area."""
    target = None if request.GET.get("menu") else landing_url(request.user)
    if target:
        return redirect(target)
    return render(request, "home.html")
