"""Above standard: a live payment whose amount exceeds its recorded standard amount or, when
none was recorded, the campaign's standard for the case's category and hardship level (falling
back to the category's standard without a level)."""

from collections.abc import Iterator

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from payments.models import LIVE_STATUSES, CampaignStandard

from ..diffs import timeline_url
from .base import PAYMENT_HEADER, Report, Row, money, payment_cells, payments_in_scope, register


def above_standard(user) -> Iterator[Row]:
    standard = CampaignStandard.objects.filter(
        campaign=OuterRef("campaign_id"), category=OuterRef("case__category")
    )
    exact = standard.filter(hardship_level=OuterRef("case__hardship_level")).values("amount")[:1]
    any_level = standard.filter(hardship_level="").values("amount")[:1]
    qs = (
        payments_in_scope(user)
        .filter(status__in=LIVE_STATUSES)
        .annotate(std=Coalesce("standard_amount", Subquery(exact), Subquery(any_level)))
        .filter(amount__gt=F("std"))
        .select_related("person", "organisation", "campaign")
        .order_by("-created_at", "-id")
    )
    for p in qs.iterator(chunk_size=500):
        yield Row(
            [*payment_cells(p), money(p.std), money(p.amount - p.std), p.justification],
            timeline_url("payments.payment", p.pk),
        )


register(
    Report(
        "above-standard",
        _("超标准发放"),
        _("金额高于活动标准（或登记的标准金额）的有效慰问金。"),
        [*PAYMENT_HEADER, _("标准（元）"), _("超出（元）"), _("说明")],
        above_standard,
        position=10,
    )
)
