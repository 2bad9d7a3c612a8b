"""Shared bank account: one account number on two or more people in scope."""

from collections.abc import Iterator

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from cases.models import Person
from core.formatting import mask

from ..diffs import timeline_url
from ..selectors import scoped
from .base import Report, Row, register


def shared_bank_account(user) -> Iterator[Row]:
    people = scoped(Person.objects.all(), user, "organisation__path").exclude(bank_account="")
    accounts = (
        people.values("bank_account")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("bank_account")
        .values_list("bank_account", flat=True)
    )
    batch: list[str] = []

    def flush(batch):
        holders: dict[str, list[Person]] = {}
        for person in people.filter(bank_account__in=batch).select_related("organisation"):
            holders.setdefault(person.bank_account, []).append(person)
        for account in batch:
            group = sorted(holders.get(account, []), key=lambda p: p.pk)
            yield Row(
                [
                    mask(account, keep_start=4, keep_end=4),
                    len(group),
                    "、".join(f"{p.name}（{mask(p.id_number)}）" for p in group),
                    "、".join(sorted({p.organisation.name for p in group})),
                ],
                timeline_url("cases.person", group[0].pk) if group else None,
            )

    for account in accounts.iterator(chunk_size=500):
        batch.append(account)
        if len(batch) >= 200:
            yield from flush(batch)
            batch = []
    if batch:
        yield from flush(batch)


register(
    Report(
        "shared-bank-account",
        _("多人共用银行账号"),
        _("同一银行账号登记在两名及以上职工名下。"),
        [_("银行账号"), _("人数"), _("职工"), _("单位")],
        shared_bank_account,
        position=20,
    )
)
