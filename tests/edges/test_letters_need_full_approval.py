"""Letters and sign-off sheets promise money only once every approval is given (issue 12
item 4): a payment above the campaign's threshold that only finance has approved is refused."""

from decimal import Decimal

from django.urls import reverse

from letters.models import PrintRecord
from payments import services
from payments.models import PaymentMethod

ABOVE = Decimal("1500.00")  # the campaign's second-approval threshold is 1,000


def test_a_payment_waiting_for_the_leader_gets_no_letter_and_the_refusal_says_why(
    client, walk, officer, leader, fake_pdf
):
    waiting = walk("approved", amount=ABOVE)
    client.force_login(officer)
    response = client.get(reverse("letters:payment_letter", args=[waiting.pk]))
    assert response.status_code == 409
    assert "二级审批" in response.content.decode() and "复审" in response.content.decode()
    assert not PrintRecord.objects.exists() and fake_pdf == []
    case_letter = client.get(reverse("letters:case_letter", args=[waiting.case_id]))
    assert case_letter.status_code == 200 and fake_pdf == [("letters", 1)]
    assert not PrintRecord.objects.get().payments.exists()  # the letter without money

    services.approve_payment(waiting, by=leader)
    response = client.get(reverse("letters:payment_letter", args=[waiting.pk]))
    assert response.status_code == 200


def test_campaign_letters_and_cash_sheets_leave_out_payments_waiting_for_the_leader(
    client, walk, finance, campaign, fake_pdf
):
    small = walk("approved", method=PaymentMethod.CASH)
    walk("approved", amount=ABOVE, method=PaymentMethod.CASH)
    full = walk("second_approved", amount=ABOVE, method=PaymentMethod.CASH)
    client.force_login(finance)
    response = client.post(reverse("letters:campaign_letters", args=[campaign.pk]))
    assert response.status_code == 200 and fake_pdf == [("letters", 2)]
    assert set(PrintRecord.objects.get().payments.all()) == {small, full}
    sheet = client.get(reverse("letters:campaign_signoff", args=[campaign.pk]))
    assert sheet.status_code == 200 and fake_pdf[-1] == ("signoff", 2)


def test_the_print_button_shows_only_for_fully_approved_payments(client, walk, officer):
    waiting = walk("approved", amount=ABOVE)
    small = walk("approved")
    client.force_login(officer)
    letter = reverse("letters:payment_letter", args=[waiting.pk])
    assert letter not in client.get(waiting.get_absolute_url()).content.decode()
    small_letter = reverse("letters:payment_letter", args=[small.pk])
    assert small_letter in client.get(small.get_absolute_url()).content.decode()
