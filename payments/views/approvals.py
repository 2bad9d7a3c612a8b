"""Finance's approval queue and the leader's second-approval queue, with bulk actions.

Bulk approval is one call of `approve_payments` (set-based, one transaction); bulk rejection
calls `reject_payment` once per payment. Either way the report says for each payment whether it
went through or why not; one refusal never stops the others.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases.selectors import organisations_visible_to
from core.errors import RuleViolation
from core.numbers import as_id
from core.paging import keyset_page

from .. import permissions, services
from ..forms import ApprovalFilterForm
from ..models import Payment
from ..selectors import (
    approval_queue_for,
    campaigns_visible_to,
    payments_visible_to,
    second_approval_queue_for,
)
from .common import PAGE_SIZE, refuse_auditor_posts, require
from .explain import approval_block, first_approval_warning

SESSION_KEY = "payments_bulk_report"


def _line(payment: Payment, error: RuleViolation | None) -> dict:
    if error is not None:
        return {"reference": payment.reference, "ok": False, "message": error.message}
    return {"reference": payment.reference, "ok": True, "message": payment.get_status_display()}


def _rejected(payment: Payment, by, reason: str) -> RuleViolation | None:
    try:
        services.reject_payment(payment, by=by, reason=reason)
    except RuleViolation as exc:
        return exc
    return None


def bulk_apply(request, action: str, ids: list[str], reason: str) -> list[dict]:
    wanted = [n for i in ids if (n := as_id(i)) is not None]
    found = {p.pk: p for p in payments_visible_to(request.user).filter(pk__in=wanted)}
    visible = [found[pk] for pk in wanted if pk in found]
    if action == "approve":
        errors = iter(o.error for o in services.approve_payments(visible, by=request.user))
    else:
        errors = iter(_rejected(p, request.user, reason) for p in visible)
    report = []
    for pk in wanted:
        payment = found.get(pk)
        if payment is None:
            report.append({"reference": str(pk), "ok": False, "message": _("未找到该慰问金。")})
        else:
            report.append(_line(payment, next(errors)))
    return report


def _queue(request, *, second: bool):
    refuse_auditor_posts(request)
    allowed = (
        permissions.can_second_approve_payments(request.user)
        if second
        else permissions.can_approve_payments(request.user)
    )
    require(allowed)
    if request.method == "POST":
        action = request.POST.get("action")
        ids = request.POST.getlist("payment")
        reason = request.POST.get("reason", "")
        if action in ("approve", "reject") and ids:
            request.session[SESSION_KEY] = bulk_apply(request, action, ids, reason)
        return redirect(request.get_full_path())
    report = request.session.pop(SESSION_KEY, None)
    form = ApprovalFilterForm(
        request.GET or None,
        campaigns=campaigns_visible_to(request.user),
        organisations=organisations_visible_to(request.user),
    )
    if second:
        queryset = second_approval_queue_for(request.user)
        order = ("approved_at", "id")
    else:
        filters = form.cleaned_data if form.is_valid() else {}
        queryset = approval_queue_for(
            request.user,
            campaign_id=getattr(filters.get("campaign"), "pk", None),
            organisation_id=getattr(filters.get("organisation"), "pk", None),
            amount_min=filters.get("amount_min"),
            amount_max=filters.get("amount_max"),
            min_age_days=filters.get("min_age_days"),
        )
        order = ("submitted_at", "id")
    page = keyset_page(request, queryset, order, PAGE_SIZE)
    for payment in page:
        payment.blocked = approval_block(request.user, payment, second=second)
        payment.warning = None if second else first_approval_warning(request.user, payment)
    return render(
        request,
        "payments/approval_queue.html",
        {
            "page": page,
            "blocked_count": sum(1 for p in page if p.blocked),
            "form": None if second else form,
            "second": second,
            "report": report,
        },
    )


@login_required
def approval_queue(request):
    return _queue(request, second=False)


@login_required
def second_approval_queue(request):
    return _queue(request, second=True)
