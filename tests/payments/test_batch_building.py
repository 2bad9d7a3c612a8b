"""Batch building invites no mistakes: nothing pre-ticked, a live count and total with a
confirmation, and a warning on a payment that failed twice (issue 15 item 7)."""

import pytest
from django.urls import reverse

from payments import services

pytestmark = pytest.mark.django_db


def test_nothing_is_pre_ticked_and_the_page_carries_amounts_and_a_confirmation(
    client, walk, finance, campaign
):
    walk("approved")
    client.force_login(finance)
    body = client.get(reverse("payments:batch_create") + f"?campaign={campaign.pk}").content
    body = body.decode()
    assert 'name="payment"' in body and " checked" not in body
    assert 'data-amount="500.00"' in body and "data-selected-total" in body
    assert "确定将 {count} 笔、合计 {total} 建立发放批次？" in body


def test_a_payment_that_failed_twice_is_flagged(client, walk, finance, campaign):
    payment = walk("failed")
    batch = services.create_batch(campaign, [payment.pk], by=finance)
    services.mark_batch_sent(batch, by=finance)
    services.mark_failed(payment, by=finance, reason="账号不存在")
    once = walk("failed", case=None)
    client.force_login(finance)
    body = client.get(reverse("payments:batch_create") + f"?campaign={campaign.pk}").content
    body = body.decode()
    assert "已发放失败 2 次，请先核实收款账号" in body
    assert body.count("已发放失败") == 1  # `once` failed only once
    assert once.reference in body


def test_bulk_approval_asks_for_a_confirmation_with_count_and_total(client, walk, finance):
    walk("submitted")
    client.force_login(finance)
    body = client.get(reverse("payments:approval_queue")).content.decode()
    assert "确定审批通过 {count} 笔、合计 {total}？" in body
    assert 'data-amount="500.00"' in body
