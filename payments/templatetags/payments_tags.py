"""`{% load payments_tags %}{% case_payments case %}`: a case's payments, for the case page."""

from django import template

from cases.models import CaseStatus

from ..permissions import can_draft_payments
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
