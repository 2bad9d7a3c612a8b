"""The sign-off title does not double 慰问, and print records name the person who printed
(issue 15 item 16)."""

import pytest
from django.urls import reverse

from letters.models import PrintRecord
from letters.services import signoff_title

from .factories import CampaignFactory, PaymentFactory


@pytest.fixture
def payment(union_a, federation):
    campaign = CampaignFactory(organisation=federation, name="援鄂医疗队慰问")
    return PaymentFactory(organisation=union_a, campaign=campaign, name="张三")


@pytest.mark.parametrize(
    ("campaign", "title"),
    [
        ("援鄂医疗队慰问", "援鄂医疗队慰问金签收表"),
        ("2020年春节送温暖", "2020年春节送温暖慰问金签收表"),
        ("抗疫一线医务人员慰问金", "抗疫一线医务人员慰问金签收表"),
    ],
)
def test_signoff_titles_read_naturally(campaign, title):
    assert signoff_title(campaign) == title


@pytest.mark.django_db
def test_a_print_record_names_the_person_not_the_login(client, officer, payment, fake_pdf):
    officer.display_name = "李帮扶"
    officer.save()
    client.force_login(officer)
    client.get(reverse("letters:payment_letter", args=[payment.pk]))
    record = PrintRecord.objects.get()
    assert record.printed_by_name == "李帮扶" and record.printed_by == officer
