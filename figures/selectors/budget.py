"""The campaigns and allocations whose budget execution the page shows."""

from django.db.models import Q, QuerySet

from payments.models import Allocation, Campaign
from payments.selectors import campaigns_visible_to

from ..filters import StatFilter
from .scope import narrowed


def campaigns_of(user, f: StatFilter, moved: set[int]) -> QuerySet[Campaign]:
    """The year's campaigns, and any other whose money moved in the period (`moved`), so
    every yuan of the page's total sits in one campaign row."""
    qs = campaigns_visible_to(user).filter(Q(year=f.year) | Q(pk__in=sorted(moved)))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    return qs.order_by("-budget", "name", "pk")


def allocations_of(user, f: StatFilter, campaign_ids: list[int]) -> QuerySet[Allocation]:
    """Allocations of those campaigns to unions in the (narrowed) scope."""
    return (
        narrowed(Allocation.objects.all(), user, f)
        .filter(campaign_id__in=campaign_ids)
        .select_related("campaign", "organisation")
        .order_by("campaign__name", "organisation__tree_order", "pk")
    )
