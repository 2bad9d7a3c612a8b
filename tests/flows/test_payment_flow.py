"""Officer drafts → finance approves → batch → bank file → bank result → paid; the budget
reconciles to the fen."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from payments.models import Payment, PaymentStatus
from payments.selectors import campaign_budget
from tests.audit_helpers import assert_audit_intact
from tests.payments.factories import CampaignFactory, case_in
from tests.payments.helpers import import_bank_result_on_the_web

pytestmark = pytest.mark.django_db


def test_from_draft_to_paid_and_the_budget_reconciles(
    client, federation, union_a, officer, finance, leader, administrator
):
    campaign = CampaignFactory(
        organisation=federation, created_by=administrator, budget=Decimal("5000.00")
    )
    cases = [case_in(union_a, officer=officer) for _ in range(3)]
    amounts = ["", "733.33", "1200.01"]

    client.force_login(officer)
    for case, amount in zip(cases, amounts, strict=True):
        response = client.post(
            reverse("payments:payment_create") + f"?case={case.pk}",
            {
                "case": case.pk,
                "campaign": campaign.pk,
                "amount": amount,
                "method": "bank",
                "justification": "" if not amount else "按医疗费用核定",
                "submit_now": "on",
            },
        )
        assert response.status_code == 302
    payments = list(Payment.objects.order_by("pk"))
    assert all(p.status == PaymentStatus.SUBMITTED for p in payments)

    client.force_login(finance)
    response = client.post(
        reverse("payments:approval_queue"),
        {"action": "approve", "payment": [p.pk for p in payments]},
        follow=True,
    )
    assert all(r["ok"] for r in response.context["report"])

    client.force_login(leader)
    client.post(
        reverse("payments:second_approval_queue"),
        {"action": "approve", "payment": [payments[2].pk]},
    )

    client.force_login(finance)
    client.post(
        reverse("payments:batch_create"),
        {"campaign": campaign.pk, "payment": [p.pk for p in payments]},
    )
    batch = campaign.batches.get()
    exported = client.get(reverse("payments:batch_export", args=[batch.pk, "csv"]))
    table = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [row["金额"] for row in table] == ["500.00", "733.33", "1200.01"]
    client.post(reverse("payments:batch_mark_sent", args=[batch.pk]))

    result = "付款编号,状态,失败原因,银行流水号,金额\n"
    result += f"{table[0]['付款编号']},成功,,B001,{table[0]['金额']}\n"
    result += f"{table[1]['付款编号']},失败,账号已销户,,{table[1]['金额']}\n"
    result += f"{table[2]['付款编号']},成功,,B003,{table[2]['金额']}\n"
    import_bank_result_on_the_web(client, batch, result.encode("utf-8"))

    statuses = list(Payment.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["paid", "failed", "paid"]
    budget = campaign_budget(campaign)
    assert budget.paid == Decimal("1700.01")
    assert budget.approved == Decimal("733.33")
    assert budget.remaining == Decimal("2566.66")
    assert budget.paid + budget.approved + budget.remaining == campaign.budget

    # The failed one goes into a new batch and is paid; everything is paid to the fen.
    client.post(
        reverse("payments:batch_create"), {"campaign": campaign.pk, "payment": [payments[1].pk]}
    )
    second = campaign.batches.exclude(pk=batch.pk).get()
    client.post(reverse("payments:batch_mark_sent", args=[second.pk]))
    again = f"付款编号,状态,银行流水号\n{payments[1].reference},成功,B004\n".encode()
    import_bank_result_on_the_web(client, second, again, "again.csv")
    budget = campaign_budget(campaign)
    assert budget.paid == Decimal("2433.34") and budget.approved == Decimal("0.00")
    assert budget.remaining == Decimal("2566.66")
    response = client.get(campaign.get_absolute_url())
    body = response.content.decode()
    assert "2433.34" in body or "2,433.34" in body
    assert_audit_intact()
