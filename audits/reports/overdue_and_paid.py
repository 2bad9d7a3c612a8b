"""Overdue and paid: open or verified hardship cases whose last verification is more than 12
months old (`Case.is_review_overdue`; never-verified cases are not overdue) and that have a
payment paid in the last 12 months."""

import datetime
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Exists, Max, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseCategory, CaseStatus
from core.formatting import mask
from payments.models import Payment, PaymentStatus

from ..diffs import timeline_url
from ..selectors import scoped
from .base import Report, Row, money, register, when

REVIEW_WINDOW = datetime.timedelta(days=365)


def overdue_and_paid(user) -> Iterator[Row]:
    now = timezone.now()
    cutoff = timezone.localdate() - REVIEW_WINDOW
    paid = Payment.objects.filter(
        case_id=OuterRef("pk"), status=PaymentStatus.PAID, paid_at__gte=now - REVIEW_WINDOW
    )
    qs = (
        scoped(Case.objects.all(), user, "organisation__path")
        .filter(category=CaseCategory.HARDSHIP)
        .exclude(status=CaseStatus.CLOSED)
        .filter(last_verified_on__lt=cutoff)
        .filter(Exists(paid))
        .annotate(
            last_paid=Max("payments__paid_at", filter=Q(payments__status=PaymentStatus.PAID)),
            total_paid=Sum(
                "payments__amount",
                filter=Q(
                    payments__status=PaymentStatus.PAID, payments__paid_at__gte=now - REVIEW_WINDOW
                ),
            ),
        )
        .select_related("person", "organisation")
        .order_by("last_verified_on", "id")
    )
    for case in qs.iterator(chunk_size=500):
        yield Row(
            [
                case.person.name,
                mask(case.person.id_number),
                case.organisation.name,
                case.get_hardship_level_display(),
                case.last_verified_on.isoformat(),
                when(case.last_paid),
                money(case.total_paid or Decimal("0")),
            ],
            timeline_url("cases.case", case.pk),
        )


register(
    Report(
        "overdue-and-paid",
        _("逾期未复核却获发放"),
        _("困难职工个案最近核实已超过12个月，但近12个月内有已发放的款项。"),
        [
            _("职工"),
            _("身份证号"),
            _("单位"),
            _("困难类别"),
            _("最近核实日期"),
            _("最近发放时间"),
            _("近12个月发放（元）"),
        ],
        overdue_and_paid,
        position=70,
    )
)
