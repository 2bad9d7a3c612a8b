"""`{% load letters_tags %}{% print_history payment %}`: a payment's prints, for its page,
with the button to print its letter when the user may and the payment is approved or paid."""

from django import template

from letters.permissions import can_print
from letters.selectors import print_history_of

register = template.Library()


@register.inclusion_tag("letters/_print_history.html", takes_context=True)
def print_history(context, payment, limit: int = 10):
    user = context.get("user") or getattr(context.get("request"), "user", None)
    return {
        "payment": payment,
        "lines": print_history_of(payment, limit),
        "can_print": user is not None and can_print(user) and payment.is_fully_approved,
    }
