"""按条件批量起草: the filter, the preview (count, total, allocation left, every skipped person
with the reason) and the confirmation that starts the background job."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from cases.selectors import organisations_visible_to
from core.scope import get_in_scope_or_404
from jobs.services import start_job

from .. import permissions
from ..enrolment import Filters, preview_enrolment
from ..forms import EnrolmentForm
from ..jobs import ENROL_KIND
from ..models import CampaignStatus
from ..selectors import campaigns_visible_to
from .common import refuse_auditor_posts, require


@login_required
def campaign_enrol(request, pk: int):
    refuse_auditor_posts(request)
    require(permissions.can_draft_payments(request.user))
    campaign = get_in_scope_or_404(
        campaigns_visible_to(request.user).filter(status=CampaignStatus.OPEN), request, pk=pk
    )
    organisations = organisations_visible_to(request.user).filter(
        path__startswith=campaign.organisation.path
    )
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = EnrolmentForm(data, organisations=organisations)
    preview = None
    if form.is_valid():
        d = form.cleaned_data
        filters = Filters(
            category=d["category"],
            hardship_level=d["hardship_level"],
            flags=tuple(d["flags"]),
            organisation_id=d["organisation"].pk if d["organisation"] else None,
        )
        if request.method == "POST":
            job = start_job(
                kind=ENROL_KIND,
                title=_("按条件批量起草：%(campaign)s") % {"campaign": campaign.name},
                by=request.user,
                params={
                    "campaign": campaign.pk,
                    "filters": filters.as_params(),
                    "submit": d["submit_now"],
                    "language": translation.get_language(),
                },
            )
            return redirect(job)
        preview = preview_enrolment(request.user, campaign, filters)
    return render(
        request,
        "payments/campaign_enrol.html",
        {"campaign": campaign, "form": form, "preview": preview},
    )
