"""The leader's rights are exactly those `docs/leader.md` lists (issue 12 item 11).

The docs said "second approval only" while the role held first approval and reversal too. Both
rights are kept on purpose (the reasons are written in the docs), so the docs now list every
payments right the role holds and every one it does not, and this test holds the two together.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from payments import permissions, services
from payments.exceptions import FourEyesViolation
from payments.models import PaymentStatus

DOC = Path(settings.BASE_DIR) / "docs" / "leader.md"

# The bold right names of the docs' list -> the permission question each one answers.
GRANTED = {
    "复审": permissions.can_second_approve_payments,
    "初审": permissions.can_approve_payments,
    "冲销": permissions.can_reverse_payments,
    "驳回": permissions.can_approve_payments,
}
REFUSED = {
    "draft payments": permissions.can_draft_payments,
    "build batches": permissions.can_manage_batches,
    "export bank files": permissions.can_export_bank_file,
    "record bank results": permissions.can_mark_results,
}


def _doc() -> str:
    return DOC.read_text(encoding="utf-8")


def test_the_docs_list_exactly_the_payment_rights_the_leader_holds(leader):
    listed = set(re.findall(r"^- \*\*(\S+) \(", _doc(), flags=re.MULTILINE))
    assert listed == set(GRANTED)
    for question in GRANTED.values():
        assert question(leader)


def test_the_docs_name_each_payment_right_the_leader_lacks_and_the_role_lacks_it(leader):
    text = " ".join(_doc().split())
    refused = re.search(r"You do not ([^.]+)\.", text)
    assert refused is not None
    for words, question in REFUSED.items():
        assert words in refused.group(1)
        assert not question(leader)


def test_a_leader_reverses_a_payment_finance_approved_and_paid(walk, leader):
    payment = walk("paid")
    services.reverse_payment(payment, by=leader, reason="银行退回，职工已另行领取")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REVERSED and payment.reversed_by == leader


def test_a_leader_who_approved_first_cannot_reverse_the_payment(walk, leader, finance):
    payment = walk("submitted")
    services.approve_payment(payment, by=leader)
    batch = services.create_batch(payment.campaign, [payment.pk], by=finance)
    services.mark_batch_sent(batch, by=finance)
    payment.refresh_from_db()
    services.mark_paid(payment, by=finance, bank_serial="S1")
    with pytest.raises(FourEyesViolation):
        services.reverse_payment(payment, by=leader, reason="试图冲销自己审批的款项")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID


def test_a_leader_cannot_build_a_batch_nor_export_its_bank_file(client, walk, leader, finance):
    payment = walk("approved")
    batch = services.create_batch(payment.campaign, [payment.pk], by=finance)
    client.force_login(leader)
    assert client.get(reverse("payments:batch_create")).status_code == 403
    export = reverse("payments:batch_export", args=[batch.pk, "xlsx"])
    assert client.get(export).status_code == 403
