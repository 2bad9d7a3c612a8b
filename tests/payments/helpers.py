from django.forms.models import model_to_dict

from payments.models import Payment


def snapshot(payment: Payment) -> tuple[dict, int]:
    """Everything stored about a payment, and how many history rows it has."""
    fresh = Payment.objects.get(pk=payment.pk)
    return model_to_dict(fresh), fresh.history.count()


def assert_unchanged(payment: Payment, before: tuple[dict, int]) -> None:
    assert snapshot(payment) == before


def import_bank_result_on_the_web(client, batch, content: bytes, name: str = "result.csv"):
    """Upload a bank result file to a batch, then confirm its preview when it has no problems.

    Returns the preview response when the file has problems, else the confirmation's response.
    """
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    preview = client.post(
        reverse("payments:batch_import_result", args=[batch.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )
    if preview.status_code != 200 or preview.context["error_count"]:
        return preview
    return client.post(
        reverse("payments:batch_result_confirm", args=[batch.pk]),
        {"token": preview.context["upload"].token},
    )
