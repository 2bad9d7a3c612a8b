"""What every exception report shares: the row and report shapes, the registry, the scoped
payment queryset and the payment columns most reports start with.

Every report reads through the auditor's scope (`audits.selectors.scoped`).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.formatting import mask
from payments.models import Payment

from ..selectors import scoped


@dataclass
class Row:
    cells: list
    link: str | None = None


@dataclass
class Report:
    slug: str
    title: str
    description: str
    header: list
    rows: Callable[[object], Iterator[Row]]
    position: int = 100


REPORTS: dict[str, Report] = {}


def register(report: Report) -> Report:
    """Add a report to the index; a second report with the same slug is a programming error."""
    if report.slug in REPORTS:
        raise ValueError(f"duplicate exception report slug: {report.slug}")
    REPORTS[report.slug] = report
    return report


def money(value) -> str:
    return "" if value is None else f"{value:,.2f}"


def when(value) -> str:
    return "" if value is None else timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def payments_in_scope(user):
    return scoped(Payment.objects.all(), user, "organisation__path")


def payment_cells(p: Payment) -> list:
    return [
        p.reference,
        p.person.name,
        mask(p.person.id_number),
        p.organisation.name,
        p.campaign.name,
        money(p.amount),
        p.get_status_display(),
    ]


PAYMENT_HEADER = [
    _("付款编号"),
    _("职工"),
    _("身份证号"),
    _("单位"),
    _("慰问活动"),
    _("金额（元）"),
    _("状态"),
]
