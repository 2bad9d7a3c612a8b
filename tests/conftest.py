"""Fixtures every test suite uses: an organisation tree and a user for each role."""

import pytest
from django.utils import translation

from accounts.roles import Role

from .factories import OrganisationFactory, make_user
from .migrated_once import django_db_setup  # noqa: F401


@pytest.fixture(autouse=True)
def chinese_interface():
    """Every test starts in the default language: a request that switched to English must not
    leave the test thread speaking English for the next test."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def federation(db):
    return OrganisationFactory(code="FED", name="市教科文卫体工会", sector="")


@pytest.fixture
def union_a(federation):
    return OrganisationFactory(
        code="EDU01", name="第一中学工会", parent=federation, sector="education"
    )


@pytest.fixture
def union_b(federation):
    return OrganisationFactory(
        code="HEA01", name="市人民医院工会", parent=federation, sector="health"
    )


@pytest.fixture
def officer(union_a):
    return make_user(Role.CASE_OFFICER, union_a, username="officer_a")


@pytest.fixture
def officer_b(union_b):
    return make_user(Role.CASE_OFFICER, union_b, username="officer_b")


@pytest.fixture
def finance(federation):
    return make_user(Role.FINANCE, federation, username="finance")


@pytest.fixture
def finance2(federation):
    return make_user(Role.FINANCE, federation, username="finance2")


@pytest.fixture
def leader(federation):
    return make_user(Role.LEADER, federation, username="leader")


@pytest.fixture
def auditor(federation):
    return make_user(Role.AUDITOR, federation, username="auditor")


@pytest.fixture
def administrator(federation):
    return make_user(Role.ADMINISTRATOR, federation, username="admin", is_staff=True)


@pytest.fixture(autouse=True)
def _forget_audit_column_sets():
    """The audit trail trusts a cached column set once a transaction using it has committed;
    tests roll back even after running on_commit callbacks (django_capture_on_commit_callbacks),
    so the cache is forgotten after each test."""
    yield
    from audits.chain.entries import forget_column_sets

    forget_column_sets()


# The longest tests, longest first (measured with --durations: minutes on a loaded machine, tens
# of seconds on a quiet one). xdist hands tests out in collection order, so one of these
# collected near the end runs alone at the tail while the other worker idles; collected first,
# they overlap the rest.
LONGEST = (
    "tests/transfers/test_people_import.py::test_two_hundred_thousand_rows_",
    "tests/edges/test_fuzz_every_url.py::test_junk_in_every_field_",
    "tests/test_seed_demo.py::test_seed_demo_reset_rebuilds_",
    "tests/payments/test_state_machine.py::test_payment_state_machine_keeps_its_invariants",
    "tests/flows/test_season_journey.py::test_a_warmth_season_from_allocation_",
    "tests/api/test_schemathesis.py::test_every_operation_answers_",
    "tests/figures/test_reconciliation.py::test_every_money_figure_reconciles_",
    "tests/payments/test_bulk_approval.py::test_bulk_and_one_by_one_give_",
)


def pytest_collection_modifyitems(items):
    """The longest tests first, longest of all first; the rest keep their order."""

    def rank(item) -> int:
        return next(
            (n for n, prefix in enumerate(LONGEST) if item.nodeid.startswith(prefix)), len(LONGEST)
        )

    items.sort(key=rank)
