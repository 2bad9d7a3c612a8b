from django.forms.models import model_to_dict

from payments.models import Payment


def snapshot(payment: Payment) -> tuple[dict, int]:
    """Everything stored about a payment, and how many history rows it has."""
    fresh = Payment.objects.get(pk=payment.pk)
    return model_to_dict(fresh), fresh.history.count()


def assert_unchanged(payment: Payment, before: tuple[dict, int]) -> None:
    assert snapshot(payment) == before
