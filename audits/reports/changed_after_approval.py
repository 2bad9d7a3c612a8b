"""Changed after approval: a history row of a payment whose previous row was already approved
(approved or any later state) and that changes anything other than the lifecycle columns (state,
who/when of each step, reasons, bank results, batch) — e.g. the amount."""

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
LIFECYCLE_FIELDS = {
    "status",
    "submitted_by_id",
    "submitted_at",
    "approved_by_id",
    "approved_at",
    "second_approved_by_id",
    "second_approved_at",
    "rejected_by_id",
    "rejected_at",
    "rejection_reason",
    "cancelled_by_id",
    "cancelled_at",
    "paid_at",
    "bank_serial",
    "failure_reason",
    "reversed_by_id",
    "reversed_at",
    "reversal_reason",
    "batch_id",
}


def changed_after_approval(user) -> Iterator[Row]:
    tracked = tracked_models()["payments.payment"]
    history = tracked.history_model.objects
    fields = {f.attname: f for f in tracked.history_model._meta.concrete_fields}
    content = [c for c in tracked.tracked_columns if c not in LIFECYCLE_FIELDS and c != "id"]
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
            "审批通过后，除流程字段（状态、各环节经办人与时间、理由、银行结果、批次）以外仍被修改的记录，例如金额。"
        ),
        [_("付款编号"), _("修改时间"), _("修改人"), _("当时状态"), _("修改内容"), _("原因")],
        changed_after_approval,
        position=40,
    )
)
