"""Programme set-up: sessions and quotas, the sum of quotas never above the capacity."""

import pytest

from recuperation import services
from recuperation.exceptions import InvalidSetup, NotPermitted, OutOfScope
from recuperation.models import Quota

from .factories import make_programme, make_session


def test_administrator_sets_up_programme_sessions_and_quotas(administrator, union_a, union_b):
    programme = make_programme(administrator)
    make_session(administrator, programme, capacity=3)
    make_session(administrator, programme, start_in=60, capacity=2)
    assert services.total_capacity(programme) == 5
    quota = services.set_quota(programme, union_a, 3, by=administrator)
    services.set_quota(programme, union_b, 2, by=administrator)
    history = quota.history.first()
    assert history.history_user == administrator and history.history_change_reason


def test_quotas_never_add_up_to_more_than_the_capacity(
    administrator, programme, session, union_a, union_b
):
    services.set_quota(programme, union_a, 2, by=administrator)
    with pytest.raises(InvalidSetup, match="最多可分配 1 人"):
        services.set_quota(programme, union_b, 2, by=administrator)
    assert not Quota.objects.filter(organisation=union_b).exists()


def test_quota_cannot_shrink_below_the_places_used(administrator, programme, nominated, union_a):
    with pytest.raises(InvalidSetup, match="已推荐 1 人"):
        services.set_quota(programme, union_a, 0, by=administrator)
    assert Quota.objects.get(organisation=union_a).places == 2


def test_officer_cannot_set_up_a_programme(officer):
    with pytest.raises(NotPermitted):
        make_programme(officer)


def test_quota_only_for_unions_below_the_runner(administrator, programme, session, federation):
    with pytest.raises(OutOfScope):
        services.set_quota(programme, federation, 1, by=administrator)


def test_session_dates_are_checked(administrator, programme):
    with pytest.raises(InvalidSetup, match="报名截止日期"):
        make_session(
            administrator,
            programme,
            start_in=30,
            deadline=programme.created_at.date() + __import__("datetime").timedelta(days=40),
        )
