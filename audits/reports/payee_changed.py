"""Payee changed after approval: the person's holder, bank or account is no longer the one the
payment was approved for (the bank file still pays the approved one until a re-approval)."""

from collections.abc import Iterator

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.formatting import mask
from payments.models import PaymentStatus

from ..diffs import timeline_url
from .base import PAYMENT_HEADER, Report, Row, payment_cells, payments_in_scope, register

# Approved and not yet settled: the payee still matters.
_OPEN = (
    PaymentStatus.APPROVED,
    PaymentStatus.SECOND_APPROVED,
    PaymentStatus.IN_BATCH,
    PaymentStatus.FAILED,
)


def payee_changed(user) -> Iterator[Row]:
    changed = (
        payments_in_scope(user)
        .filter(status__in=_OPEN, approved_at__isnull=False)
        .filter(
            ~Q(payee_name=F("person__name"))
            | ~Q(payee_bank=F("person__bank_name"))
            | ~Q(payee_account=F("person__bank_account"))
        )
        .select_related("person", "organisation", "campaign")
        .order_by("approved_at", "id")
    )
    for p in changed.iterator(chunk_size=500):
        yield Row(
            [
                *payment_cells(p),
                f"{p.payee_name} · {p.payee_bank} · {mask(p.payee_account, 4, 4)}",
                f"{p.person.name} · {p.person.bank_name} · {mask(p.person.bank_account, 4, 4)}",
            ],
            timeline_url("payments.payment", p.pk),
        )


register(
    Report(
        "payee-changed-after-approval",
        _("审批后收款账户变更"),
        _(
            "审批通过后，职工的户名、开户行或银行账号被修改、尚未重新审批的慰问金；"
            "银行文件仍按审批时的账户付款。"
        ),
        [*PAYMENT_HEADER, _("审批时收款账户"), _("现登记收款账户")],
        payee_changed,
        position=80,
    )
)
