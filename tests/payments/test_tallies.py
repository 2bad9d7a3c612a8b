"""The statistics' tallies equal the payments summed one by one, whatever the services did.

The reference is `payments.services.tallies.expected_money` / `expected_people`: GROUP BYs over
the payments in SQL, independent of the per-payment contributions the services apply.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.services import change_file_tier
from core.errors import RuleViolation
from payments import services
from payments.models import MoneyTally, Payment, PersonTally
from payments.services.tallies import differences, rebuild_tallies, tally_years

from .factories import CampaignFactory, case_in, payment_in_state
from .test_concurrency import race


def assert_tallies_right() -> None:
    found = [line for year in tally_years() for line in differences(year)]
    assert found == []


def moment(day: datetime.date, minute: int) -> datetime.datetime:
    """A local moment of `day`; minute 0 is midnight (the edge of a month and a year)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time())) + (
        datetime.timedelta(minutes=minute)
    )


@pytest.fixture
def campaigns(federation, administrator):
    warmth = CampaignFactory(organisation=federation, created_by=administrator, budget="90000.00")
    frontline = CampaignFactory(
        organisation=federation,
        created_by=administrator,
        kind="frontline",
        funding_source="own",
        budget="90000.00",
        standards=[("hardship", "", Decimal("600.00"))],
    )
    return [warmth, frontline]


STATES = ("approved", "second_approved", "in_batch", "paid", "failed", "rejected", "submitted")
DAYS = st.dates(min_value=datetime.date(2025, 12, 30), max_value=datetime.date(2026, 1, 2))
STEP = st.tuples(
    st.sampled_from(("create", "pay", "fail", "reverse", "reject", "retier", "rebatch")),
    st.integers(0, 5),  # which payment (created ones, modulo)
    st.sampled_from(STATES),
    DAYS,
    st.sampled_from((0, 1, 600, 1439)),  # minutes after local midnight
    st.sampled_from(("deep", "relative", "accident")),
    st.sampled_from((None, Decimal("900.00"), Decimal("6000.00"))),  # 6,000 needs the leader
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=9))
@pytest.mark.django_db
def test_any_sequence_of_service_calls_keeps_the_tallies_equal_to_the_payments(
    steps, campaigns, officer, finance, finance2, leader, monkeypatch
):
    with transaction.atomic():
        made: list[Payment] = []
        for op, index, state, day, minute, tier, amount in steps:
            monkeypatch.setattr(timezone, "now", lambda d=day, m=minute: moment(d, m))
            try:
                if op == "create" or not made:
                    campaign = campaigns[len(made) % 2]
                    case = case_in(officer.organisation, officer=officer, hardship_level=tier)
                    made.append(
                        payment_in_state(
                            state,
                            campaign=campaign,
                            officer=officer,
                            finance=finance,
                            leader=leader,
                            finance2=finance2,
                            case=case,
                            amount=amount,
                        )
                    )
                    continue
                p = made[index % len(made)]
                p.refresh_from_db()
                if op == "pay":
                    if p.batch_id and p.batch.status == "open":
                        services.mark_batch_sent(p.batch, by=finance)
                    services.mark_paid(p, by=finance, bank_serial="SN")
                elif op == "fail":
                    services.mark_failed(p, by=finance, reason="账号不存在")
                elif op == "reverse":
                    services.reverse_payment(p, by=finance2, reason="重复发放，已退回")
                elif op == "reject":
                    services.reject_payment(p, by=leader, reason="超出标准")
                elif op == "rebatch":
                    services.create_batch(p.campaign, [p.pk], by=finance)
                elif op == "retier":
                    change_file_tier(
                        p.case, by=officer, hardship_level=tier, causes=["illness"], reason="复核"
                    )
            except RuleViolation:
                pass  # a step the rules forbid changes nothing, the tallies included
        monkeypatch.undo()
        assert_tallies_right()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_tier_change_moves_the_case_s_payments_to_the_new_tier(
    campaigns, officer, finance, finance2, leader
):
    paid = payment_in_state(
        "paid", campaign=campaigns[0], officer=officer, finance=finance, leader=leader
    )
    case = paid.case
    assert MoneyTally.objects.filter(tier="relative", paid_n=1).count() == 1
    change_file_tier(case, by=officer, hardship_level="deep", reason="复核调整")
    assert MoneyTally.objects.filter(tier="deep", paid_n=1).count() == 1
    assert not MoneyTally.objects.filter(tier="relative").exclude(paid_n=0).exists()
    assert_tallies_right()


@pytest.mark.django_db
def test_rebuild_check_names_the_differing_key_and_rebuild_repairs_it(
    campaigns, officer, finance, finance2, leader
):
    for state in ("paid", "approved", "reversed"):
        payment_in_state(
            "paid" if state == "reversed" else state,
            campaign=campaigns[0],
            officer=officer,
            finance=finance,
            leader=leader,
        )
    call_command("rebuild_statistics", "--check", stdout=io.StringIO())
    MoneyTally.objects.filter(paid_n__gt=0).update(paid_fen=F("paid_fen") + 1)
    PersonTally.objects.all().delete()
    errors = io.StringIO()
    with pytest.raises(CommandError, match="differ"):
        call_command("rebuild_statistics", "--check", stdout=io.StringIO(), stderr=errors)
    assert "money (" in errors.getvalue()
    assert "people (" in errors.getvalue()
    call_command("rebuild_statistics", stdout=io.StringIO())
    call_command("rebuild_statistics", "--check", stdout=io.StringIO())


@pytest.mark.django_db
def test_rebuild_from_nothing_gives_what_the_services_kept(
    campaigns, officer, finance, finance2, leader
):
    for state in ("paid", "approved", "in_batch", "failed"):
        payment_in_state(
            state, campaign=campaigns[1], officer=officer, finance=finance, leader=leader
        )
    kept = sorted(MoneyTally.objects.exclude(paid_n=0, pending_n=0).values_list(*MoneyTally.KEY))
    rebuild_tallies()
    assert sorted(MoneyTally.objects.values_list(*MoneyTally.KEY)) == kept
    assert_tallies_right()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_concurrent_approvals_and_payouts_in_one_campaign_keep_the_tallies_right(
    campaigns, officer, finance, finance2, leader
):
    """Same keys (one campaign, one union, one tier): each upsert adds to the other's row."""
    submitted = [
        payment_in_state(
            "submitted", campaign=campaigns[0], officer=officer, finance=finance, leader=leader
        )
        for _ in range(6)
    ]
    results = race(
        [lambda p=p: services.approve_payment(p, by=finance) for p in submitted[:4]]
        + [lambda: services.approve_payments(submitted[4:], by=finance)]
    )
    assert not [r for r in results if isinstance(r, Exception)]
    cash = []
    for p in submitted:
        p.refresh_from_db()
        cash.append(p)
    batch = services.create_batch(campaigns[0], [p.pk for p in cash], by=finance)
    services.mark_batch_sent(batch, by=finance)
    results = race([lambda p=p: services.mark_paid(p, by=finance2) for p in cash])
    assert not [r for r in results if isinstance(r, Exception)]
    assert MoneyTally.objects.get(month__gt=0).paid_n == 6
    assert MoneyTally.objects.get(month=0, year__gt=0).pending_n == 0
    summary = MoneyTally.summaries().get(campaign=campaigns[0])  # the budget check's figure
    assert (summary.paid_n, summary.pending_n) == (6, 0)
    assert_tallies_right()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_a_tier_change_while_the_file_s_payment_is_being_approved_is_refused_not_deadlocked(
    campaigns, officer, finance, finance2, leader
):
    """An approval holds the payment, then locks the file for the household cap; a tier change
    holds the file, then needs the payment for the tallies. Waiting would be a deadlock (one of
    the two aborted by PostgreSQL with a server error): the tier change is refused at once,
    with a message, and changes nothing; the approval goes through."""
    import threading

    from cases.models import Case

    payment = payment_in_state(
        "submitted", campaign=campaigns[0], officer=officer, finance=finance, leader=leader
    )
    case_id = payment.case_id
    holding = threading.Event()
    tried = threading.Event()

    def approval_in_progress():
        with transaction.atomic():
            Payment.objects.select_for_update().get(pk=payment.pk)
            holding.set()
            tried.wait(timeout=5)
            Case.objects.select_for_update().get(pk=case_id)
        return "approved"

    def tier_change():
        holding.wait(timeout=5)
        try:
            return change_file_tier(
                Case.objects.get(pk=case_id), by=officer, hardship_level="deep", reason="复核"
            )
        finally:
            tried.set()

    results = race([approval_in_progress, tier_change])
    assert results[0] == "approved", results
    assert isinstance(results[1], RuleViolation), results
    assert "正在" in str(results[1])
    assert Case.objects.get(pk=case_id).hardship_level == "relative"
    assert_tallies_right()


@pytest.mark.django_db
def test_the_tier_page_shows_the_busy_refusal_and_changes_nothing(
    client, campaigns, officer, finance, leader, monkeypatch
):
    """The refusal comes from payments through a signal; the case's page shows it on the form."""
    from django.urls import reverse

    from payments.exceptions import PaymentsBusy
    from payments.services import tallies

    payment = payment_in_state(
        "submitted", campaign=campaigns[0], officer=officer, finance=finance, leader=leader
    )

    def busy(*args, **kwargs):
        raise PaymentsBusy("此档案的款项正在审批或发放，请稍后再调整困难类别。")

    monkeypatch.setattr(tallies, "move_case_tier", busy)
    client.force_login(officer)
    response = client.post(
        reverse("cases:file_tier", args=[payment.case_id]),
        {"hardship_level": "deep", "reason": "复核"},
    )
    assert response.status_code == 400
    assert "正在审批或发放" in response.content.decode()
    payment.case.refresh_from_db()
    assert payment.case.hardship_level == "relative"


@pytest.mark.parametrize(
    ("amount", "fen"),
    [(Decimal("0.01"), 1), (Decimal("123.45"), 12345), (Decimal("-800.00"), -80000)],
)
def test_money_goes_to_fen_and_back_to_the_fen(amount, fen):
    from payments.models import from_fen, to_fen

    assert to_fen(amount) == fen
    assert from_fen(fen) == amount and str(from_fen(fen)) == str(amount)
    assert str(from_fen(None)) == "0.00"
