import datetime
import random
from decimal import Decimal

import pytest
from django.db import transaction

from cases.demo.casework import seed_casework
from cases.models import Case, CaseCategory, CaseStatus, PovertyLine, Visit
from cases.selectors_casework import pending_follow_ups, review_overdue
from core.demo import DemoContext
from tests.cases.factories import person_in

TODAY = datetime.date(2026, 11, 23)


def make_people(union_a, union_b, n=160):
    rng = random.Random(7)
    people = []
    for i in range(n):
        people.append(
            person_in(
                union_a if i % 3 else union_b,
                household_size=rng.randrange(1, 6),
                household_monthly_income=Decimal(rng.randrange(300, 9000)),
                is_frontline_medical=i % 7 == 0,
                is_hubei_team=i % 11 == 0,
            )
        )
    return people


def run(people, officer, seed=1):
    ctx = DemoContext(seed=seed, people=len(people), rng=random.Random(seed), today=TODAY)
    ctx.data = {"person_ids": [p.pk for p in people], "users": {"officer": officer}}
    seed_casework(ctx)
    return ctx


def snapshot():
    return sorted(
        Case.objects.values_list(
            "person_id",
            "category",
            "status",
            "hardship_level",
            "last_verified_on",
            "closing_reason",
        )
    ), sorted(Visit.objects.values_list("case__person_id", "visit_date", "kind", "follow_up_on"))


@pytest.fixture
def seeded(union_a, union_b, officer):
    people = make_people(union_a, union_b)
    ctx = run(people, officer)
    return people, ctx


def test_the_demo_has_every_category_and_status(seeded):
    assert set(Case.objects.values_list("category", flat=True)) == set(CaseCategory.values)
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    assert PovertyLine.objects.filter(year=TODAY.year).exists()
    assert PovertyLine.objects.count() >= 5


def test_the_demo_keeps_the_rules_of_the_services(seeded):
    for case in Case.objects.prefetch_related("visits"):
        visits = list(case.visits.all())
        opened_on = case.opened_at.date()
        assert all(opened_on <= v.visit_date <= TODAY for v in visits)
        if case.last_verified_on:
            assert visits, "a verified case has at least one visit"
        if case.status == CaseStatus.CLOSED:
            assert case.closing_reason
        if case.category == CaseCategory.HARDSHIP:
            assert case.hardship_level
            if case.hardship_level == "accident":
                assert "accident" in case.causes
        else:
            assert not case.hardship_level
        assert case.organisation_id == case.person.organisation_id


def test_the_demo_gives_the_dashboard_something_to_show(seeded, officer):
    assert review_overdue(Case.objects.all(), today=TODAY).exists()
    assert pending_follow_ups(officer, TODAY + datetime.timedelta(days=7)).exists()
    assert Visit.objects.filter(visit_date__month=TODAY.month, visit_date__year=TODAY.year).exists()


def test_every_case_has_history_with_a_user_and_reopened_cases_have_a_reason(seeded, officer):
    for case in Case.objects.all():
        rows = list(case.history.order_by("history_date", "history_id"))
        assert rows[0].history_type == "+"
        assert all(r.history_user_id == officer.pk for r in rows)
        assert rows[-1].status == case.status
    reopened = [
        c
        for c in Case.objects.filter(status=CaseStatus.OPEN)
        if c.history.filter(status=CaseStatus.CLOSED).exists()
    ]
    assert reopened
    assert all(c.history.first().history_change_reason for c in reopened)


def test_the_demo_is_deterministic_and_safe_to_run_twice(union_a, union_b, officer):
    people = make_people(union_a, union_b, n=60)
    # History is append-only, so the first run is undone by rolling back, not by deleting.
    with transaction.atomic():
        run(people, officer, seed=3)
        first = snapshot()
        transaction.set_rollback(True)
    assert not Case.objects.exists()

    run(people, officer, seed=3)
    assert snapshot() == first
    cases = Case.objects.count()
    run(people, officer, seed=3)  # already seeded: nothing added
    assert Case.objects.count() == cases


def test_the_demos_files_get_their_spells_from_their_history(seeded):
    from cases.demo.tallies import count_files
    from cases.models import FileSpell
    from cases.services.file_tallies import file_differences

    count_files(seeded[1])

    files = Case.objects.filter(category=CaseCategory.HARDSHIP)
    assert set(FileSpell.objects.values_list("case_id", flat=True)) == set(
        files.values_list("pk", flat=True)
    )
    for case in files:  # a spell per pass: the first, then one per reopening
        rows = list(case.history.order_by("history_date", "history_id"))
        reopenings = sum(
            1 for a, b in zip(rows, rows[1:], strict=False) if a.closed_at and not b.closed_at
        )
        spells = list(case.spells.order_by("id"))
        assert len(spells) == 1 + reopenings
        assert spells[-1].ended_at == case.closed_at
    assert FileSpell.objects.exclude(ended_as="").exists()
    assert file_differences() == []
