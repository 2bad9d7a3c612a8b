"""The officer's own payments (我的慰问金), and resubmitting one that was rejected."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import RuleViolation
from core.paging import keyset_page
from core.scope import get_in_scope_or_404

from .. import permissions, services
from ..exceptions import NotPermitted
from ..forms import ResubmitForm
from ..models import PaymentStatus
from ..selectors import MY_PAYMENT_STATES, my_payment_counts, my_payments, payments_visible_to
from .common import refuse_auditor_posts, require

MY_PAYMENTS_PER_PAGE = 25


@login_required
def my_payment_list(request):
    require(permissions.can_draft_payments(request.user))
    state = request.GET.get("state", "")
    qs = my_payments(request.user).select_related("person", "campaign", "rejected_by")
    if state in MY_PAYMENT_STATES:
        qs = qs.filter(status__in=MY_PAYMENT_STATES[state])
    else:
        state = ""
    page = keyset_page(request, qs, ("-created_at", "-id"), MY_PAYMENTS_PER_PAGE)
    return render(
        request,
        "payments/my_payments.html",
        {"page": page, "state": state, "counts": my_payment_counts(request.user)},
    )


@require_POST
@login_required
def payment_resubmit(request, pk: int):
    refuse_auditor_posts(request)
    require(permissions.can_draft_payments(request.user))
    payment = get_in_scope_or_404(payments_visible_to(request.user), request, pk=pk)
    form = ResubmitForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
        return redirect(payment)
    data = form.cleaned_data
    try:
        services.resubmit_payment(
            payment,
            by=request.user,
            reason=data["reason"],
            amount=data["amount"],
            justification=data["justification"],
        )
    except NotPermitted:
        raise PermissionDenied from None
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("慰问金 %(ref)s 已重新提交审批。") % {"ref": payment})
    return redirect(payment)


def resubmit_form_for(user, payment) -> ResubmitForm | None:
    """The form on a rejected payment's page, for whoever may draft payments in its scope."""
    if payment.status != PaymentStatus.REJECTED or not permissions.can_draft_payments(user):
        return None
    return ResubmitForm(
        initial={"amount": payment.amount, "justification": payment.justification},
        auto_id="resubmit-%s",
    )
