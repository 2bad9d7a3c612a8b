"""Two API approvals of one payment at once, on PostgreSQL: exactly one succeeds."""

import threading

import pytest
from django.db import connection

from payments import services
from payments.models import Payment, PaymentStatus
from tests.payments.factories import CampaignFactory, case_in

from .conftest import token_client

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_api_approvals_of_one_payment_one_wins(
    federation, union_a, officer, finance, finance2, administrator
):
    campaign = CampaignFactory(organisation=federation, created_by=administrator)
    payment = services.draft_payment(case_in(union_a, officer=officer), campaign, by=officer)
    services.submit_payment(payment, by=officer)
    clients = [token_client(finance), token_client(finance2)]
    barrier = threading.Barrier(2)
    answers: list = [None, None]

    def approve(index):
        try:
            barrier.wait(timeout=10)
            answers[index] = clients[index].post(f"/api/v1/payments/{payment.pk}/approve/")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 409], [a.json() for a in answers]
    loser = next(a for a in answers if a.status_code == 409)
    assert loser.json()["error"]["code"] == "invalid_transition"
    payment = Payment.objects.get(pk=payment.pk)
    assert payment.status == PaymentStatus.APPROVED
    assert payment.history.filter(history_change_reason="一级审批通过").count() == 1
