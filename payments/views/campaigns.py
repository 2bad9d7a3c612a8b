"""Campaign list, campaign page with its budget, and starting a campaign as a copy."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import RuleViolation
from core.paging import keyset_page
from core.scope import get_in_scope_or_404

from .. import permissions, services
from ..forms import CampaignCopyForm
from ..selectors import (
    campaign_budget,
    campaign_list_for,
    campaigns_managed_by,
    campaigns_visible_to,
    payments_visible_to,
)
from ..selectors_allocations import allocation_rows, allocations_visible_to
from .common import PAGE_SIZE, paginate, query_without_page, refuse_auditor_posts, require


@login_required
def campaign_list(request):
    require(request.user.has_perm("payments.view_campaign"))
    page = paginate(request, campaign_list_for(request.user).order_by("-year", "name", "id"))
    return render(
        request,
        "payments/campaign_list.html",
        {
            "page": page,
            "can_manage": permissions.can_manage_campaigns(request.user),
            "query": query_without_page(request),
        },
    )


@login_required
def campaign_detail(request, pk: int):
    require(request.user.has_perm("payments.view_campaign"))
    campaign = get_in_scope_or_404(campaigns_visible_to(request.user), request, pk=pk)
    # The campaign's settings are the administrator's; who is paid what is not (the payment
    # pages are refused to that role, so is this list).
    can_see_payments = permissions.can_view_payments(request.user)
    payments = (
        payments_visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("person", "organisation")
    )
    if not can_see_payments:
        payments = payments.none()
    return render(
        request,
        "payments/campaign_detail.html",
        {
            "campaign": campaign,
            "budget": campaign_budget(campaign),
            "standards": campaign.standards.all(),
            "allocation_rows": allocation_rows(
                list(allocations_visible_to(request.user, campaign))
            ),
            "page": keyset_page(request, payments, ("-created_at", "-id"), PAGE_SIZE),
            "can_manage": permissions.can_manage_campaigns(request.user)
            and campaigns_managed_by(request.user).filter(pk=campaign.pk).exists(),
            "can_batch": permissions.can_manage_batches(request.user),
            "can_see_payments": can_see_payments,
        },
    )


@login_required
def campaign_copy(request, pk: int):
    refuse_auditor_posts(request)
    require(permissions.can_manage_campaigns(request.user))
    source = get_in_scope_or_404(campaigns_visible_to(request.user), request, pk=pk)
    initial = {
        "name": source.name.replace(str(source.year), str(source.year + 1)),
        "year": source.year + 1,
        "starts_on": source.starts_on.replace(year=source.starts_on.year + 1),
        "ends_on": source.ends_on.replace(year=source.ends_on.year + 1),
        "budget": source.budget,
    }
    form = CampaignCopyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.copy_campaign(source, by=request.user, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已复制为新活动，请核对后开启。"))
            return redirect(campaign)
    return render(request, "payments/campaign_copy.html", {"form": form, "source": source})
