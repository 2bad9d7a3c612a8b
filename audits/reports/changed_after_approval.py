"""Changed after approval: a history row of a payment whose previous row was already approved
(approved or any later state) and that changes its amount, payee (name, bank, account), method,
person or campaign."""

from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Organisation
from payments.models import PaymentStatus

from ..diffs import _format, labels_of, timeline_url
from ..models import ChangeEntry
from ..registry import tracked_models
from ..selectors import audit_scope
from .base import Report, Row, register, when

POST_APPROVAL = (
    PaymentStatus.APPROVED,
    PaymentStatus.SECOND_APPROVED,
    PaymentStatus.IN_BATCH,
    PaymentStatus.PAID,
    PaymentStatus.FAILED,
    PaymentStatus.REVERSED,
)
# What an approval commits to: the money, who receives it and how, for whom, from which campaign.
# Everything else a payment's row records after approval (state, who/when of each step, batch,
# bank results, failure and reversal details, notes) is the lifecycle, not a change of substance,
# and would flood the report with every paid and failed payment.
REPORTED_FIELDS = (
    "amount",
    "method",
    "person_id",
    "campaign_id",
    "payee_name",
    "payee_bank",
    "payee_account",
)


def changed_after_approval(user) -> Iterator[Row]:
    tracked = tracked_models()["payments.payment"]
    history = tracked.history_model.objects
    fields = {f.attname: f for f in tracked.history_model._meta.concrete_fields}
    content = [c for c in REPORTED_FIELDS if c in tracked.tracked_columns]
    prefix = audit_scope(user)
    candidates = history.filter(history_type="~", status__in=POST_APPROVAL)
    if prefix is None:
        return
    if prefix:
        candidates = candidates.filter(
            organisation_id__in=Organisation.objects.filter(path__startswith=prefix).values("pk")
        )
    candidates = candidates.order_by("-history_date", "-history_id")
    last = None

    while True:
        qs = candidates
        if last is not None:
            qs = qs.filter(
                Q(history_date__lte=last[0])
                & (Q(history_date__lt=last[0]) | Q(history_date=last[0], history_id__lt=last[1]))
            )
        chunk = list(qs.values(*tracked.columns)[:500])
        if not chunk:
            return
        last = (chunk[-1]["history_date"], chunk[-1]["history_id"])
        prev_ids = dict(
            ChangeEntry.objects.filter(
                model="payments.payment", history_id__in=[r["history_id"] for r in chunk]
            ).values_list("history_id", "prev_history_id")
        )
        prev_rows = {
            r["history_id"]: r
            for r in history.filter(history_id__in=[i for i in prev_ids.values() if i]).values(
                *tracked.columns
            )
        }
        flagged = []
        for row in chunk:
            prev = prev_rows.get(prev_ids.get(row["history_id"]))
            if prev is None or prev["status"] not in POST_APPROVAL:
                continue
            changed = [c for c in content if row[c] != prev[c]]
            if changed:
                flagged.append((row, prev, changed))
        fk_labels = {}
        wanted: dict = {}
        for row, prev, changed in flagged:
            for c in changed:
                if fields[c].is_relation:
                    wanted.setdefault(fields[c].related_model, set()).update({row[c], prev[c]})
        for model, ids in wanted.items():
            fk_labels.update({(model, k): v for k, v in labels_of(model, ids).items()})
        users = labels_of(get_user_model(), {r["history_user_id"] for r, _p, _c in flagged})
        for row, prev, changed in flagged:
            diff = "；".join(
                f"{fields[c].verbose_name}: {_format(prev[c], fields[c], fk_labels)} → "
                f"{_format(row[c], fields[c], fk_labels)}"
                for c in changed
            )
            yield Row(
                [
                    row["reference"],
                    when(row["history_date"]),
                    users.get(row["history_user_id"], ""),
                    str(PaymentStatus(row["status"]).label),
                    diff,
                    row["history_change_reason"] or "",
                ],
                timeline_url("payments.payment", row["id"]),
            )


register(
    Report(
        "changed-after-approval",
        _("审批后被修改的慰问金"),
        _(
            "审批通过后金额、收款人（户名、开户行、账号）、发放方式、职工或慰问活动被修改的慰问金；状态流转、经办人、批次和银行结果不计入。"
        ),
        [_("付款编号"), _("修改时间"), _("修改人"), _("当时状态"), _("修改内容"), _("原因")],
        changed_after_approval,
        position=40,
    )
)
