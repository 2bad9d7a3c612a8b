"""The payment state machine walked at random through the services; invariants after each step."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import F, Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from core.errors import RuleViolation
from payments import services
from payments.models import BatchLine, DisbursementBatch, Payment, PaymentStatus
from payments.selectors import COMMITTED

from .factories import CampaignFactory, case_in
from .helpers import snapshot

pytestmark = pytest.mark.django_db

AMOUNTS = [None, Decimal("300.00"), Decimal("1200.00"), Decimal("2500.00")]


def make_machine(world):
    class PaymentMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            self.cases = [case_in(world["union"], officer=world["officer"]) for _ in range(3)]
            self.payments: list[int] = []
            self.history_counts: dict[int, int] = {}

        @initialize()
        def some_submitted_payments(self):
            for case in self.cases:
                payment = services.draft_payment(case, world["campaigns"][0], by=world["officer"])
                services.submit_payment(payment, by=world["officer"])
                self.payments.append(payment.pk)

        def teardown(self):
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

        def _attempt(self, pk, step, **kwargs):
            payment = Payment.objects.get(pk=pk)
            before = snapshot(payment)
            try:
                step(payment, **kwargs)
            except RuleViolation:
                assert snapshot(payment) == before, f"{step.__name__} refused but changed"

        def _pick(self, index, *statuses):
            """Mostly a payment in a state where the step applies; now and then any payment."""
            pool = self.payments
            if statuses and index % 5:
                pool = (
                    list(
                        Payment.objects.filter(pk__in=self.payments, status__in=statuses)
                        .order_by("pk")
                        .values_list("pk", flat=True)
                    )
                    or pool
                )
            return pool[index % len(pool)] if pool else None

        @rule(case=st.integers(0, 2), campaign=st.integers(0, 1), amount=st.sampled_from(AMOUNTS))
        def draft(self, case, campaign, amount):
            count = Payment.objects.count()
            try:
                payment = services.draft_payment(
                    self.cases[case],
                    world["campaigns"][campaign],
                    by=world["officer"],
                    amount=amount,
                    justification="" if amount is None else "按实际情况",
                )
            except RuleViolation:
                assert Payment.objects.count() == count
            else:
                self.payments.append(payment.pk)

        @rule(i=st.integers(0, 50))
        def submit(self, i):
            if (pk := self._pick(i, "draft")) is not None:
                self._attempt(pk, services.submit_payment, by=world["officer"])

        @rule(i=st.integers(0, 50), who=st.sampled_from(["finance", "finance2", "leader"]))
        def approve(self, i, who):
            if (pk := self._pick(i, "submitted", "approved")) is not None:
                self._attempt(pk, services.approve_payment, by=world[who])

        @rule(i=st.integers(0, 50), who=st.sampled_from(["finance", "leader", "officer"]))
        def reject(self, i, who):
            if (pk := self._pick(i, "submitted", "approved")) is not None:
                self._attempt(pk, services.reject_payment, by=world[who], reason="材料不全")

        @rule(i=st.integers(0, 50))
        def cancel(self, i):
            if (pk := self._pick(i, "draft", "submitted")) is not None:
                self._attempt(pk, services.cancel_payment, by=world["officer"])

        @rule(i=st.integers(0, 50))
        def batch_and_send(self, i):
            if (pk := self._pick(i, "approved", "second_approved", "failed")) is None:
                return
            payment = Payment.objects.get(pk=pk)
            before = snapshot(payment)
            try:
                batch = services.create_batch(payment.campaign, [pk], by=world["finance"])
            except RuleViolation:
                assert snapshot(payment) == before
                return
            services.mark_batch_sent(batch, by=world["finance"])

        @rule(i=st.integers(0, 50))
        def paid(self, i):
            if (pk := self._pick(i, "in_batch")) is not None:
                self._attempt(pk, services.mark_paid, by=world["finance"], bank_serial="S")

        @rule(i=st.integers(0, 50))
        def failed(self, i):
            if (pk := self._pick(i, "in_batch")) is not None:
                self._attempt(pk, services.mark_failed, by=world["finance"], reason="账户冻结")

        @rule(i=st.integers(0, 50), who=st.sampled_from(["finance", "finance2", "leader"]))
        def reverse(self, i, who):
            if (pk := self._pick(i, "paid")) is not None:
                self._attempt(pk, services.reverse_payment, by=world[who], reason="退回")

        @rule(i=st.integers(0, 50), data=st.data())
        def advance(self, i, data):
            """The natural next step with a rightful actor, so walks reach payout and reversal."""
            if (
                pk := self._pick(
                    i,
                    "draft",
                    "submitted",
                    "approved",
                    "second_approved",
                    "failed",
                    "in_batch",
                    "paid",
                )
            ) is None:
                return
            status = Payment.objects.get(pk=pk).status
            if status == "draft":
                self._attempt(pk, services.submit_payment, by=world["officer"])
            elif status == "submitted":
                self._attempt(pk, services.approve_payment, by=world["finance"])
            elif status == "approved":
                self._attempt(pk, services.approve_payment, by=world["leader"])
                self.batch_and_send(i)
            elif status in ("second_approved", "failed"):
                self.batch_and_send(i)
            elif status == "in_batch":
                if data.draw(st.booleans()):
                    self._attempt(pk, services.mark_paid, by=world["finance"])
                else:
                    self._attempt(pk, services.mark_failed, by=world["finance"], reason="户名不符")
            elif status == "paid":
                self._attempt(pk, services.reverse_payment, by=world["finance2"], reason="退回")

        @invariant()
        def money_rules_hold(self):
            for campaign in world["campaigns"]:
                committed = Payment.objects.filter(
                    campaign=campaign, status__in=COMMITTED
                ).aggregate(t=Sum("amount"))["t"] or Decimal(0)
                assert committed <= campaign.budget
            for case in self.cases:
                total = Payment.objects.filter(
                    person_id=case.person_id, year=2026, status__in=COMMITTED
                ).aggregate(t=Sum("amount"))["t"] or Decimal(0)
                assert total <= Decimal("3000.00")
                for campaign in world["campaigns"]:
                    live = Payment.objects.filter(
                        person_id=case.person_id, campaign=campaign
                    ).exclude(status__in=["rejected", "cancelled"])
                    assert live.count() <= 1

        @invariant()
        def who_did_what_is_consistent(self):
            for p in Payment.objects.filter(pk__in=self.payments):
                assert p.approved_by_id is None or p.approved_by_id != p.submitted_by_id
                assert p.second_approved_by_id is None or p.second_approved_by_id not in (
                    p.approved_by_id,
                    p.submitted_by_id,
                )
                if p.status in (*COMMITTED, PaymentStatus.REVERSED):
                    assert p.approved_by_id is not None
                    if p.amount > p.campaign.second_approval_threshold:
                        assert p.second_approved_by_id is not None or p.status == "approved"
                if p.status in (PaymentStatus.PAID, PaymentStatus.REVERSED):
                    assert p.paid_by_id is not None
                if p.status == PaymentStatus.REVERSED:
                    assert p.reversed_by_id not in (p.paid_by_id, p.approved_by_id)
                pending = p.batch_lines.filter(result="pending").count()
                assert pending == (1 if p.status == PaymentStatus.IN_BATCH else 0)
                assert p.batch_lines.filter(result="paid").count() == (
                    1 if p.status in ("paid", "reversed") and p.method == "bank" else 0
                )
                count = p.history.count()
                assert count >= self.history_counts.get(p.pk, 0)
                self.history_counts[p.pk] = count
            assert not BatchLine.objects.exclude(amount=F("payment__amount")).exists()
            assert not DisbursementBatch.objects.filter(status="sent", lines__isnull=True).exists()

    return PaymentMachine


def test_payment_state_machine_keeps_its_invariants(
    federation, union_a, officer, finance, finance2, leader, administrator
):
    world = {
        "union": union_a,
        "officer": officer,
        "finance": finance,
        "finance2": finance2,
        "leader": leader,
        "campaigns": [
            CampaignFactory(
                organisation=federation, created_by=administrator, budget=Decimal("3000.00")
            ),
            CampaignFactory(organisation=federation, created_by=administrator),
        ],
    }
    run_state_machine_as_test(
        make_machine(world),
        settings=settings(
            max_examples=12,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
