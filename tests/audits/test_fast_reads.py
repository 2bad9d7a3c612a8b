"""Verification reads history rows as canonical text straight from the database; that text must
be what `registry.canonical` gives for the values Django loads, column by column, for every
tracked model (or intact rows would read as tampered, or tampering could hide in the gap)."""

import pytest

from audits.chain.fastread import NULL, CanonicalReader
from audits.models import AccessLog
from audits.registry import canonical, tracked_models
from core.access import AccessAction, log_access
from tests.audit_helpers import assert_audit_intact
from tests.factories import VisitFactory
from tests.payments.factories import CampaignFactory, case_in, payment_in_state


@pytest.fixture
def world(federation, union_a, administrator, officer, finance, finance2, leader):
    """Rows of many kinds: a paid payment (decimals, dates, datetimes with microseconds, NULLs),
    a visit with companions (m2m), people, cases, a campaign, users and access-log rows."""
    campaign = CampaignFactory(organisation=federation, created_by=administrator)
    payment = payment_in_state(
        "paid",
        campaign=campaign,
        case=case_in(union_a, officer=officer),
        officer=officer,
        finance=finance,
        leader=leader,
        finance2=finance2,
    )
    visit = VisitFactory(case=payment.case)
    visit.companions.add(finance)
    log_access(user=officer, action=AccessAction.REVEAL, obj=payment.case.person, field="id_number")
    return payment


def _django_canonical(model, columns, pks):
    order = "history_id" if "history_id" in columns else "id"
    rows = model._default_manager.filter(**{f"{order}__in": pks}).order_by(order)
    return [tuple(canonical(row[c]) for c in columns) for row in rows.values(*columns)]


@pytest.mark.django_db
def test_fast_reads_equal_canonical_values_for_every_tracked_column(world):
    checked = 0
    for tracked in tracked_models().values():
        reader = CanonicalReader(tracked.history_model, tracked.columns)
        fast = [tuple(row[1:]) for chunk in reader.chunks("history_id") for row in chunk]
        pks = list(tracked.history_model._default_manager.values_list("history_id", flat=True))
        assert fast == _django_canonical(tracked.history_model, tracked.columns, pks), tracked
        checked += len(fast)
    assert checked > 20


@pytest.mark.django_db
def test_fast_reads_equal_canonical_values_for_the_access_log(world, officer, rf):
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    request.user = officer
    log_access(user=officer, action=AccessAction.EXPORT, request=request, detail={"行": [1, 2]})
    columns = ("at", "detail", "ip_address", "user_id", "field", "object_id")
    reader = CanonicalReader(AccessLog, columns)
    fast = [tuple(row[1:]) for chunk in reader.chunks("id") for row in chunk]
    pks = list(AccessLog.objects.values_list("id", flat=True))
    assert fast == _django_canonical(AccessLog, columns, pks)
    assert any(row[2] == "10.1.2.3" for row in fast) and any(row[2] == NULL for row in fast)


@pytest.mark.django_db
def test_a_datetime_with_microseconds_and_a_null_reason_read_canonically(world):
    tracked = tracked_models()["payments.payment"]
    history = tracked.history_model._default_manager
    row = history.order_by("-history_id").first()
    reader = CanonicalReader(tracked.history_model, ("history_date", "history_change_reason"))
    [fast] = reader.rows(f"history_id = {row.history_id}")
    assert fast[0] == canonical(row.history_date)
    assert fast[1] == canonical(row.history_change_reason)
    assert_audit_intact()
