"""Drafting a payment for a case, and a payment's page with its history and its actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases.selectors import cases_visible_to
from core.errors import RuleViolation
from core.numbers import is_id
from core.scope import get_in_scope_or_404

from .. import permissions, services
from ..exceptions import NotPermitted
from ..forms import PaymentDraftForm
from ..models import PaymentMethod, PaymentStatus
from ..selectors import campaigns_for_case, payments_visible_to, standard_amount_for
from ..services.household_caps import household_allowance
from .common import refuse_auditor_posts, require
from .explain import why_not
from .mine import resubmit_form_for


@login_required
def payment_create(request):
    refuse_auditor_posts(request)
    require(permissions.can_draft_payments(request.user))
    case_id = request.GET.get("case") or request.POST.get("case")
    if not is_id(case_id):
        raise Http404
    case = get_in_scope_or_404(
        cases_visible_to(request.user).select_related("person", "organisation"),
        request,
        pk=int(case_id),
    )
    campaigns = campaigns_for_case(case)
    options = [(c, standard_amount_for(c, case)) for c in campaigns]
    chosen = None
    wanted = request.GET.get("campaign")
    for campaign, standard in options:
        if str(campaign.pk) == wanted or (chosen is None and len(options) == 1):
            chosen = (campaign, standard)
    initial = {"submit_now": True}
    if chosen:
        initial["campaign"] = chosen[0]
        initial["amount"] = chosen[1]
    form = PaymentDraftForm(request.POST or None, campaigns=campaigns, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = services.draft_payment(
                case,
                data["campaign"],
                by=request.user,
                amount=data["amount"],
                method=data["method"],
                purpose=data["purpose"],
                justification=data["justification"],
                assistance_item=data["assistance_item"],
            )
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        else:
            if data["submit_now"]:
                try:
                    services.submit_payment(payment, by=request.user)
                except RuleViolation as exc:
                    messages.warning(request, _("草稿已保存，但未能提交：%(e)s") % {"e": exc})
                else:
                    messages.success(request, _("慰问金 %(ref)s 已提交审批。") % {"ref": payment})
            else:
                messages.success(request, _("慰问金草稿 %(ref)s 已保存。") % {"ref": payment})
            return redirect(payment)
    return render(
        request,
        "payments/payment_form.html",
        {"form": form, "case": case, "options": options},
    )


def _history_rows(payment):
    """Each history row with the status change it made, oldest first."""
    rows = []
    previous = None
    for record in payment.history.select_related("history_user").order_by("history_date", "pk"):
        rows.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "from": previous.get_status_display() if previous else "",
                "to": record.get_status_display(),
                "changed": previous is None or previous.status != record.status,
                # System reasons are stored in the source language and shown in the reader's.
                "reason": _(record.history_change_reason) if record.history_change_reason else "",
            }
        )
        previous = record
    rows.reverse()
    return rows


def available_actions(user, payment) -> set[str]:
    status = payment.status
    campaign = payment.campaign
    actions = set()
    if permissions.can_draft_payments(user):
        if status == PaymentStatus.DRAFT:
            actions.add("submit")
        if status in (PaymentStatus.DRAFT, PaymentStatus.SUBMITTED):
            actions.add("cancel")
    over = payment.amount > campaign.second_approval_threshold
    if status == PaymentStatus.SUBMITTED and permissions.can_approve_payments(user):
        actions |= {"approve", "reject"}
    if status == PaymentStatus.APPROVED and over and permissions.can_second_approve_payments(user):
        actions |= {"approve", "reject"}
    if permissions.can_mark_results(user):
        if status == PaymentStatus.IN_BATCH and payment.batch and payment.batch.status == "sent":
            actions |= {"mark_paid", "mark_failed"}
        if payment.method == PaymentMethod.CASH and services.ready_for_payout(payment, campaign):
            actions.add("mark_paid")
    if status == PaymentStatus.PAID and permissions.can_reverse_payments(user):
        actions.add("reverse")
    if (
        status in services.REAPPROVABLE
        and permissions.can_approve_payments(user)
        and payment.payee_changed
    ):
        actions.add("reapprove_payee")
    # Offer no step the four-eyes rule would refuse (the service refuses it all the same).
    if user.pk in (payment.created_by_id, payment.submitted_by_id):
        actions.discard("reapprove_payee")
    if user.pk in (payment.created_by_id, payment.submitted_by_id) or (
        status == PaymentStatus.APPROVED and user.pk == payment.approved_by_id
    ):
        actions.discard("approve")
    if user.pk in (payment.paid_by_id, payment.approved_by_id, payment.second_approved_by_id):
        actions.discard("reverse")
    return actions


@login_required
def payment_detail(request, pk: int):
    require(permissions.can_view_payments(request.user))
    payment = get_in_scope_or_404(
        payments_visible_to(request.user).select_related(
            "person",
            "organisation",
            "campaign",
            "case",
            "batch",
            "created_by",
            "submitted_by",
            "approved_by",
            "second_approved_by",
            "rejected_by",
            "cancelled_by",
            "paid_by",
            "reversed_by",
        ),
        request,
        pk=pk,
    )
    actions = available_actions(request.user, payment)
    return render(
        request,
        "payments/payment_detail.html",
        {
            "payment": payment,
            "history": _history_rows(payment),
            "actions": actions,
            "needs_second": payment.amount > payment.campaign.second_approval_threshold,
            "resubmit_form": resubmit_form_for(request.user, payment),
            "why_not": why_not(request.user, payment, actions),
            "allowance": household_allowance(
                payment.person,
                payment.assistance_item,
                payment.year,
                on_date=timezone.localdate(),
                exclude_pk=payment.pk,
            ),
        },
    )


STEPS = {
    "submit": (services.submit_payment, False, gettext_lazy("已提交审批。")),
    "approve": (services.approve_payment, False, gettext_lazy("已审批通过。")),
    "reject": (services.reject_payment, True, gettext_lazy("已驳回。")),
    "cancel": (services.cancel_payment, False, gettext_lazy("已取消。")),
    "mark_paid": (services.mark_paid, False, gettext_lazy("已登记为已发放。")),
    "mark_failed": (services.mark_failed, True, gettext_lazy("已登记为发放失败，款项回到待发放。")),
    "reverse": (services.reverse_payment, True, gettext_lazy("已冲销。")),
    "reapprove_payee": (
        services.reapprove_payee,
        True,
        gettext_lazy("已按变更后的收款账户重新审批。"),
    ),
}


@require_POST
@login_required
def payment_action(request, pk: int, action: str):
    refuse_auditor_posts(request)
    if action not in STEPS:
        raise Http404
    payment = get_in_scope_or_404(payments_visible_to(request.user), request, pk=pk)
    step, needs_reason, done = STEPS[action]
    kwargs = {}
    if needs_reason or action == "cancel":
        kwargs["reason"] = request.POST.get("reason", "")
    if action == "mark_paid":
        kwargs["bank_serial"] = request.POST.get("bank_serial", "")
    try:
        step(payment, by=request.user, **kwargs)
    except NotPermitted:
        raise PermissionDenied from None
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{payment.reference} {done}")
    return redirect(payment)
