"""Each refusal of a nomination: over quota, overlapping session, repeat within the window,
outside scope, ineligible, after the deadline, full session. A refusal changes nothing."""

import datetime

import pytest

from recuperation import services
from recuperation.exceptions import (
    CapacityExceeded,
    NotEligible,
    OutOfScope,
    OverlappingSession,
    QuotaExceeded,
    RegistrationClosed,
    RepeatWithinWindow,
)
from recuperation.models import Nomination

from .factories import TODAY, make_programme, make_session, medical_person


def test_over_quota(quotas, session, officer_b, union_b):
    services.nominate(session, medical_person(union_b), by=officer_b)
    with pytest.raises(QuotaExceeded, match="名额为 1 人"):
        services.nominate(session, medical_person(union_b), by=officer_b)
    assert Nomination.objects.count() == 1


def test_overlapping_session(administrator, programme, quotas, session, nurse, officer):
    services.nominate(session, nurse, by=officer)
    other = make_programme(administrator, kind="model_worker")
    overlapping = make_session(administrator, other, start_in=33)
    services.set_quota(other, nurse.organisation, 1, by=administrator)
    nurse.is_model_worker = True
    nurse.save()
    with pytest.raises(OverlappingSession, match="时间重叠"):
        services.nominate(overlapping, nurse, by=officer)
    assert Nomination.objects.count() == 1


def test_repeat_within_the_window(administrator, nurse, officer, union_a):
    last_year = make_programme(administrator, year=TODAY.year - 1)
    old_session = make_session(administrator, last_year, start_in=20)
    services.set_quota(last_year, union_a, 1, by=administrator)
    services.nominate(old_session, nurse, by=officer)
    this_year = make_programme(administrator, year=TODAY.year + 1, window=3)
    session = make_session(administrator, this_year, start_in=60)
    services.set_quota(this_year, union_a, 1, by=administrator)
    with pytest.raises(RepeatWithinWindow, match="3 年内不重复"):
        services.nominate(session, nurse, by=officer)
    # a shorter window lets the person go again
    later = make_programme(administrator, year=TODAY.year + 1, window=2)
    later_session = make_session(administrator, later, start_in=120)
    services.set_quota(later, union_a, 1, by=administrator)
    services.nominate(later_session, nurse, by=officer)


def test_same_person_twice_in_one_programme(
    administrator, programme, quotas, session, nurse, officer
):
    second = make_session(administrator, programme, start_in=90, capacity=1)
    services.nominate(session, nurse, by=officer)
    with pytest.raises(RepeatWithinWindow, match="已在本项目中被推荐"):
        services.nominate(second, nurse, by=officer)


def test_outside_scope(quotas, session, officer, union_b):
    with pytest.raises(OutOfScope):
        services.nominate(session, medical_person(union_b), by=officer)
    assert not Nomination.objects.exists()


def test_union_without_quota(
    session, programme, officer, union_a, quotas, federation, administrator
):
    from tests.factories import OrganisationFactory

    union_c = OrganisationFactory(code="SPO01", name="体育局工会", parent=federation)
    from accounts.roles import Role
    from tests.factories import make_user

    officer_c = make_user(Role.CASE_OFFICER, union_c, username="officer_c")
    with pytest.raises(OutOfScope, match="没有名额"):
        services.nominate(session, medical_person(union_c), by=officer_c)


@pytest.mark.parametrize(
    "flags",
    [{"is_frontline_medical": False}, {"employment_status": "retired"}],
    ids=["not-medical-staff", "retired"],
)
def test_ineligible(quotas, session, officer, union_a, flags):
    person = medical_person(union_a, **flags)
    with pytest.raises(NotEligible):
        services.nominate(session, person, by=officer)
    assert not Nomination.objects.exists()


def test_hubei_team_member_is_eligible_for_the_medical_programme(quotas, session, officer, union_a):
    person = medical_person(union_a, is_frontline_medical=False, is_hubei_team=True)
    assert services.nominate(session, person, by=officer).pk


def test_model_worker_programme_needs_a_model_worker(administrator, officer, union_a):
    programme = make_programme(administrator, kind="model_worker")
    session = make_session(administrator, programme)
    services.set_quota(programme, union_a, 1, by=administrator)
    with pytest.raises(NotEligible, match="劳模"):
        services.nominate(session, medical_person(union_a), by=officer)
    services.nominate(session, medical_person(union_a, is_model_worker=True), by=officer)


def test_after_the_registration_deadline(quotas, session, nurse, officer):
    with pytest.raises(RegistrationClosed):
        services.nominate(
            session, nurse, by=officer, today=session.registration_deadline + datetime.timedelta(1)
        )


def test_session_capacity_is_never_exceeded(
    administrator, programme, session, union_a, officer, approver
):
    small = make_session(administrator, programme, start_in=90, capacity=1)
    services.set_quota(programme, union_a, 2, by=administrator)
    first = services.nominate(small, medical_person(union_a), by=officer)
    second = services.nominate(small, medical_person(union_a), by=officer)
    services.approve_nomination(first, by=approver)
    with pytest.raises(CapacityExceeded, match="已满"):
        services.approve_nomination(second, by=approver)
    assert Nomination.objects.get(pk=second.pk).status == "nominated"
