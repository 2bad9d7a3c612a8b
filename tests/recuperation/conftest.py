import pytest

from accounts.roles import Role
from recuperation import services
from tests.factories import make_user

from .factories import make_programme, make_session, medical_person


@pytest.fixture
def programme(administrator):
    return make_programme(administrator)


@pytest.fixture
def session(administrator, programme):
    return make_session(administrator, programme, capacity=3)


@pytest.fixture
def quotas(administrator, programme, session, union_a, union_b):
    return (
        services.set_quota(programme, union_a, 2, by=administrator),
        services.set_quota(programme, union_b, 1, by=administrator),
    )


@pytest.fixture
def nurse(union_a):
    return medical_person(union_a, name="李护士")


@pytest.fixture
def nominated(quotas, session, nurse, officer):
    return services.nominate(session, nurse, by=officer, emergency_contact="王五 13900000000")


@pytest.fixture
def approver(federation):
    """A federation user who holds the leader's role (approves nominations)."""
    return make_user(Role.LEADER, federation, username="approver")
