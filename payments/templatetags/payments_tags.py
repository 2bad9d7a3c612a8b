"""`{% load payments_tags %}`: `{% case_payments case %}` (a case's payments, for the case page)
and `{% my_payment_counts %}` (the officer's rejected and waiting payments, for the dashboard;
cases' templates reach payments this way, never its Python)."""

from django import template

from cases.models import CaseStatus

from ..permissions import can_draft_payments
from ..selectors import my_payment_counts as count_my_payments
from ..selectors import payments_visible_to

register = template.Library()


@register.inclusion_tag("payments/_case_payments.html", takes_context=True)
def case_payments(context, case):
    user = context["request"].user
    payments = (
        payments_visible_to(user)
        .filter(case=case)
        .select_related("campaign")
        .order_by("-created_at", "-id")
    )
    return {
        "case": case,
        "payments": list(payments),
        "can_draft": can_draft_payments(user) and case.status != CaseStatus.CLOSED,
        "request": context["request"],
    }


@register.inclusion_tag("payments/_my_payment_counts.html", takes_context=True)
def my_payment_counts(context):
    user = context["request"].user
    counts = count_my_payments(user) if can_draft_payments(user) else None
    return {"counts": counts}
