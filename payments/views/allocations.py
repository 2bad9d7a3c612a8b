"""The administrator's allocation page of a campaign: give, change or withdraw a union's share
of the budget and places, or import them as a table (the shared upload flow)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cases.models import Organisation
from core.errors import RuleViolation
from core.numbers import as_id
from core.scope import get_in_scope_or_404

from .. import permissions, services
from ..forms import AllocationForm
from ..models import Allocation
from ..selectors import campaign_budget, campaigns_managed_by
from ..selectors_allocations import allocation_rows, allocations_visible_to
from .common import refuse_auditor_posts, require


@login_required
def campaign_allocations(request, pk: int):
    refuse_auditor_posts(request)
    require(permissions.can_manage_campaigns(request.user))
    campaign = get_in_scope_or_404(campaigns_managed_by(request.user), request, pk=pk)
    organisations = Organisation.objects.filter(
        path__startswith=campaign.organisation.path, is_active=True
    ).exclude(pk=campaign.organisation_id)
    form = AllocationForm(
        request.POST if request.POST.get("action") == "allocate" else None,
        organisations=organisations,
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "remove":
                allocation_id = as_id(request.POST.get("allocation"))
                if allocation_id is None:
                    raise Http404
                allocation = get_object_or_404(Allocation, campaign=campaign, pk=allocation_id)
                services.remove_allocation(
                    allocation, by=request.user, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("已撤回下拨。"))
                return redirect("payments:campaign_allocations", pk=campaign.pk)
            if form.is_valid():
                services.allocate_campaign(campaign, by=request.user, **form.cleaned_data)
                messages.success(request, _("已保存下拨。"))
                return redirect("payments:campaign_allocations", pk=campaign.pk)
        except RuleViolation as exc:
            form.add_error(None, exc.message)
    rows = allocation_rows(list(allocations_visible_to(request.user, campaign)))
    allocated = sum((r.allocation.amount for r in rows), Decimal("0.00"))
    return render(
        request,
        "payments/campaign_allocations.html",
        {
            "campaign": campaign,
            "budget": campaign_budget(campaign),
            "rows": rows,
            "allocated": allocated,
            "unallocated": campaign.budget - allocated,
            "form": form,
        },
    )
