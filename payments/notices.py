"""Who is told about a payment step (the in-app inbox and the daily digest).

Each function is called from the service's `transaction.on_commit`, so only a committed step is
announced. Recipients are the holders of the role whose organisation's subtree contains the
payment's organisation, never the actor.
"""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_noop

from accounts.roles import Role
from cases.selectors import ancestor_ids
from notifications.models import NotificationKind
from notifications.services import notify

from .models import DisbursementBatch, Payment


def role_holders_over(role: str, organisation_path: str) -> QuerySet:
    """Active users of a role whose scope (their organisation's subtree) covers the path."""
    return get_user_model().objects.filter(
        is_active=True,
        groups__name=role,
        organisation_id__in=ancestor_ids(organisation_path),
    )


def _params(p: Payment) -> dict:
    return {"reference": p.reference, "person": p.person.name, "amount": str(p.amount)}


def payment_submitted(payment: Payment, *, by) -> None:
    p = Payment.objects.select_related("person", "organisation").get(pk=payment.pk)
    approvers = role_holders_over(Role.FINANCE, p.organisation.path).exclude(pk=by.pk)
    notify(
        approvers,
        NotificationKind.PAYMENT_SUBMITTED,
        gettext_noop("慰问金 %(reference)s（%(person)s，%(amount)s 元）已提交，等待审批。"),
        _params(p),
        link=p.get_absolute_url(),
    )


def payment_rejected(payment: Payment, *, by) -> None:
    p = Payment.objects.select_related("person").get(pk=payment.pk)
    notify(
        [p.created_by_id, p.submitted_by_id],
        NotificationKind.PAYMENT_REJECTED,
        gettext_noop(
            "慰问金 %(reference)s（%(person)s，%(amount)s 元）被驳回：%(reason)s。"
            "可修改后重新提交。"
        ),
        {**_params(p), "reason": p.rejection_reason},
        link=reverse("payments:payment_resubmit", args=[p.pk]),
    )


def second_approval_needed(payment: Payment, *, by) -> None:
    p = Payment.objects.select_related("person", "organisation").get(pk=payment.pk)
    leaders = role_holders_over(Role.LEADER, p.organisation.path).exclude(pk=by.pk)
    notify(
        leaders,
        NotificationKind.SECOND_APPROVAL,
        gettext_noop(
            "慰问金 %(reference)s（%(person)s，%(amount)s 元）超过二级审批起点，等待您复审。"
        ),
        _params(p),
        link=reverse("payments:second_approval_queue"),
    )


def bank_result_imported(batch: DisbursementBatch) -> None:
    """Each drafter of the batch's payments hears how their payments fared."""
    drafters: dict[int, list[int]] = {}
    for created_by, status in batch.lines.values_list("payment__created_by_id", "result"):
        counts = drafters.setdefault(created_by, [0, 0])
        counts[0 if status == "paid" else 1] += 1
    for user_id, (paid, failed) in drafters.items():
        notify(
            [user_id],
            NotificationKind.BANK_RESULT,
            gettext_noop(
                "批次 %(batch)s 银行回盘已导入："
                "您起草的慰问金成功 %(paid)s 笔，失败 %(failed)s 笔。"
            ),
            {"batch": batch.reference, "paid": paid, "failed": failed},
            link=batch.campaign.get_absolute_url(),
        )
