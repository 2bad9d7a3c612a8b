"""`recuperation_usage(user, year)`: places used and costs, for the statistics, in scope."""

from decimal import Decimal

from recuperation import services
from recuperation.selectors import recuperation_usage

from .factories import TODAY, medical_person


def _attend(nomination, approver, officer, finance, session, attended=True, cost=None):
    services.approve_nomination(nomination, by=approver)
    services.confirm_nomination(nomination, by=officer)
    services.record_attendance(
        nomination, by=finance, attended=attended, cost=cost, today=session.starts_on
    )


def test_usage_counts_attendees_and_their_costs_in_scope(
    quotas, session, union_a, union_b, officer, officer_b, approver, finance, auditor
):
    a1 = services.nominate(session, medical_person(union_a), by=officer)
    a2 = services.nominate(session, medical_person(union_a), by=officer)
    b1 = services.nominate(session, medical_person(union_b), by=officer_b)
    _attend(a1, approver, officer, finance, session)
    _attend(a2, approver, officer, finance, session, attended=False)
    _attend(b1, approver, officer_b, finance, session, cost=Decimal("1999.99"))

    whole = recuperation_usage(auditor, TODAY.year)
    assert (whole.places, whole.absent, whole.cost) == (2, 1, Decimal("4799.99"))
    medical = next(k for k in whole.by_kind if k.kind == "medical")
    assert medical.places == 2 and medical.cost == Decimal("4799.99")

    mine = recuperation_usage(officer, TODAY.year)
    assert (mine.places, mine.absent, mine.cost) == (1, 1, Decimal("2800.00"))
    assert recuperation_usage(officer, TODAY.year - 1).places == 0


def test_usage_is_one_query(quotas, session, officer, django_assert_num_queries):
    with django_assert_num_queries(1):
        recuperation_usage(officer, TODAY.year)
