"""The payment page shows who printed its letter, at a fixed number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from letters.models import PrintedPayment
from tests.audit_helpers import assert_audit_intact
from tests.payments.factories import CampaignFactory, payment_in_state


def _queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_printing_a_letter_shows_on_the_payment_page_with_fixed_queries(
    client, federation, administrator, officer, finance
):
    campaign = CampaignFactory(organisation=federation, created_by=administrator)
    payment = payment_in_state("approved", campaign=campaign, officer=officer, finance=finance)
    page_url = payment.get_absolute_url()
    letter_url = reverse("letters:payment_letter", args=[payment.pk])

    client.force_login(officer)
    letter = client.get(letter_url)
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert PrintedPayment.objects.filter(payment=payment).count() == 1

    client.force_login(finance)
    page = client.get(page_url)
    assert str(officer) in page.content.decode()  # the printer, in the print history
    after_one_print = _queries_for(client, page_url)

    client.force_login(officer)
    client.get(letter_url)
    client.get(letter_url)
    client.force_login(finance)
    client.get(page_url)
    assert _queries_for(client, page_url) == after_one_print
    assert PrintedPayment.objects.filter(payment=payment).count() == 3
    assert_audit_intact()
