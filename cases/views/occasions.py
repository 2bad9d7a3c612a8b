"""The visits planned for occasions: the list an officer works through before a festival.

Rows come from the scoped selector (other unions' plans are never listed); the dashboard's
planned-vs-done table links here filtered by date and union.
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from cases.permissions import require
from cases.selectors import organisations_visible_to
from cases.selectors_occasions import planned_visits_visible_to
from core.numbers import as_id
from core.paging import keyset_page

PER_PAGE = 50
STATES = ("todo", "done", "overdue")


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


@login_required
def planned_visits(request):
    require(request.user.has_perm("cases.view_plannedvisit"))
    today = timezone.localdate()
    qs = planned_visits_visible_to(request.user).select_related(
        "occasion", "person", "organisation"
    )
    due_on = _date(request.GET.get("due_on", ""))
    if due_on is not None:
        qs = qs.filter(due_on=due_on)
    organisation = None
    if (org_id := as_id(request.GET.get("organisation", ""))) is not None:
        organisation = organisations_visible_to(request.user).filter(pk=org_id).first()
        qs = qs.filter(organisation=organisation) if organisation else qs.none()
    state = request.GET.get("state", "")
    if state == "todo":
        qs = qs.filter(done=False)
    elif state == "done":
        qs = qs.filter(done=True)
    elif state == "overdue":
        qs = qs.filter(done=False, due_on__lt=today)
    page = keyset_page(request, qs, ("due_on", "id"), PER_PAGE)
    return render(
        request,
        "cases/casework/planned_visits.html",
        {
            "page": page,
            "today": today,
            "due_on": due_on,
            "organisation": organisation,
            "state": state if state in STATES else "",
        },
    )
