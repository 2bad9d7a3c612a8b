"""No visit: a live payment whose case has no visit at all."""

from collections.abc import Iterator

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from cases.models import Visit
from payments.models import LIVE_STATUSES

from ..diffs import timeline_url
from .base import PAYMENT_HEADER, Report, Row, payment_cells, payments_in_scope, register


def no_visit(user) -> Iterator[Row]:
    qs = (
        payments_in_scope(user)
        .filter(status__in=LIVE_STATUSES)
        .filter(~Exists(Visit.objects.filter(case_id=OuterRef("case_id"))))
        .select_related("person", "organisation", "campaign")
        .order_by("-created_at", "-id")
    )
    for p in qs.iterator(chunk_size=500):
        yield Row([*payment_cells(p), p.case_id], timeline_url("payments.payment", p.pk))


register(
    Report(
        "no-visit",
        _("无走访记录的发放"),
        _("所属个案没有任何走访记录的有效慰问金。"),
        [*PAYMENT_HEADER, _("个案编号")],
        no_visit,
        position=30,
    )
)
