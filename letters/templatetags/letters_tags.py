"""`{% load letters_tags %}{% print_history payment %}`: a payment's prints, for its page."""

from django import template

from letters.selectors import print_history_of

register = template.Library()


@register.inclusion_tag("letters/_print_history.html")
def print_history(payment, limit: int = 10):
    return {"payment": payment, "lines": print_history_of(payment, limit)}
