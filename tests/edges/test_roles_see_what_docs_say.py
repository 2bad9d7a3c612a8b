"""The administrator configures campaigns but sees no payee data (issue 12 item 11): the
payment pages are refused to that role, and so is the campaign page's list of who is paid."""

from django.urls import reverse


def test_the_administrator_sees_the_campaign_but_no_payee(client, walk, campaign, administrator):
    payment = walk("approved")
    client.force_login(administrator)
    assert client.get(payment.get_absolute_url()).status_code == 403
    page = client.get(reverse("payments:campaign_detail", args=[campaign.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert campaign.name in text
    assert payment.reference not in text and payment.person.name not in text


def test_finance_still_sees_the_campaigns_payments(client, walk, campaign, finance):
    payment = walk("approved")
    client.force_login(finance)
    text = client.get(reverse("payments:campaign_detail", args=[campaign.pk])).content.decode()
    assert payment.reference in text and payment.person.name in text
