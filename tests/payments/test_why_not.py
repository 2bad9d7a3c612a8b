"""Whoever cannot act is told why, and the queues offer only what the user can do
(issue 15 item 5)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role
from payments import services
from tests.factories import make_user

from .factories import case_in

pytestmark = pytest.mark.django_db


def test_a_lone_leaders_first_approval_is_explained_on_the_page(client, walk, leader, officer):
    payment = walk("submitted", amount=Decimal("1500.00"))
    client.force_login(leader)
    queue = client.get(reverse("payments:approval_queue")).content.decode()
    assert "复审须由另一位分管领导进行" in queue  # warned before approving first
    services.approve_payment(payment, by=leader)
    body = client.get(payment.get_absolute_url()).content.decode()
    assert "为什么不能操作" in body
    assert "您已做一级审批，复审须由另一位分管领导进行。" in body
    assert "目前没有其他可以复审这笔慰问金的分管领导" in body
    client.force_login(officer)
    body = client.get(payment.get_absolute_url()).content.decode()
    assert "等待分管领导复审" in body and "¥1,000.00" in body


def test_a_second_leader_removes_the_no_one_can_act_note(client, walk, leader, federation):
    payment = walk("submitted", amount=Decimal("1500.00"))
    services.approve_payment(payment, by=leader)
    make_user(Role.LEADER, federation, username="leader2")
    client.force_login(leader)
    body = client.get(payment.get_absolute_url()).content.decode()
    assert "您已做一级审批" in body and "目前没有其他可以复审" not in body


def test_the_second_queue_offers_no_checkbox_for_ones_own_first_approval(client, walk, leader):
    payment = walk("submitted", amount=Decimal("1500.00"))
    services.approve_payment(payment, by=leader)
    client.force_login(leader)
    body = client.get(reverse("payments:second_approval_queue")).content.decode()
    assert payment.reference in body
    assert f'name="payment" value="{payment.pk}"' not in body
    assert "本页有 1 笔您不能审批" in body


def test_the_first_queue_offers_no_checkbox_for_ones_own_submission(
    client, union_a, federation, campaign
):
    both = make_user(Role.CASE_OFFICER, union_a, username="officer_finance")
    both.groups.add(*make_user(Role.FINANCE, federation, username="tmp_fin").groups.all())
    payment = services.draft_payment(case_in(union_a, officer=both), campaign, by=both)
    services.submit_payment(payment, by=both)
    client.force_login(both)
    body = client.get(reverse("payments:approval_queue")).content.decode()
    assert f'name="payment" value="{payment.pk}"' not in body
    assert "须由另一位审批人审批" in body
    body = client.get(payment.get_absolute_url()).content.decode()
    assert "您起草或提交了这笔慰问金" in body


def test_an_approver_who_can_act_sees_no_explanation(client, walk, finance):
    payment = walk("submitted")
    client.force_login(finance)
    body = client.get(payment.get_absolute_url()).content.decode()
    assert "为什么不能操作" not in body
    queue = client.get(reverse("payments:approval_queue")).content.decode()
    assert f'name="payment" value="{payment.pk}"' in queue
