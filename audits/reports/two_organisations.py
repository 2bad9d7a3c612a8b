"""Two organisations: payments of the same person (same ID number) in one campaign booked for
different organisations, whatever their state (rejected and cancelled ones included), for people
with at least one payment in scope."""

from collections.abc import Iterator

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.formatting import mask
from payments.models import Payment

from ..diffs import timeline_url
from ..selectors import audit_scope
from .base import Report, Row, payments_in_scope, register


def two_organisations(user) -> Iterator[Row]:
    people = payments_in_scope(user).values("person_id")
    base = (
        Payment.objects.all()
        if audit_scope(user) == ""
        else Payment.objects.filter(person_id__in=people)
    )
    groups = (
        base.values("campaign_id", "person__id_number")
        .annotate(n=Count("organisation_id", distinct=True))
        .filter(n__gt=1)
        .order_by("campaign_id", "person__id_number")
    )
    for group in groups.iterator(chunk_size=500):
        payments = list(
            Payment.objects.filter(
                campaign_id=group["campaign_id"], person__id_number=group["person__id_number"]
            )
            .select_related("person", "organisation", "campaign")
            .order_by("id")
        )
        first = payments[0]
        yield Row(
            [
                first.campaign.name,
                first.person.name,
                mask(first.person.id_number),
                "、".join(sorted({p.organisation.name for p in payments})),
                "、".join(
                    f"{p.reference}（{p.organisation.name}，{p.get_status_display()}）"
                    for p in payments
                ),
            ],
            timeline_url("cases.person", first.person_id),
        )


register(
    Report(
        "two-organisations",
        _("同一活动由两个单位发放"),
        _("同一身份证号的职工在同一活动中由不同单位申请的慰问金（含已驳回、已取消的）。"),
        [_("慰问活动"), _("职工"), _("身份证号"), _("单位"), _("慰问金")],
        two_organisations,
        position=60,
    )
)
