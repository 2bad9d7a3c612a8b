"""The pages: role and scope (404 outside), each step through the services, query counts."""

import pytest
from django.urls import reverse

from recuperation import services
from recuperation.models import Nomination, NominationStatus, Programme, Quota

from .factories import make_programme, make_session, medical_person


def test_officer_sees_the_programme_and_only_the_own_unions_quota(
    client, officer, programme, quotas, union_b
):
    client.force_login(officer)
    page = client.get(reverse("recuperation:programme_detail", args=[programme.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "第一中学工会" in text and union_b.name not in text
    assert "添加批次" not in text  # officers do not set programmes up


def test_officer_nominates_by_id_number(client, officer, session, quotas, nurse):
    client.force_login(officer)
    response = client.post(
        reverse("recuperation:nominate", args=[session.pk]),
        {"id_number": nurse.id_number, "emergency_contact": "王五 13900000000"},
    )
    nomination = Nomination.objects.get(person=nurse)
    assert response.url == nomination.get_absolute_url()
    assert nomination.nominated_by == officer


def test_person_of_another_union_cannot_be_nominated_by_id_number(
    client, officer, session, quotas, union_b
):
    stranger = medical_person(union_b)
    client.force_login(officer)
    response = client.post(
        reverse("recuperation:nominate", args=[session.pk]),
        {"id_number": stranger.id_number},
        follow=True,
    )
    assert "管理范围内没有这个身份证号" in response.content.decode()
    assert not Nomination.objects.exists()


def test_other_union_gets_404_for_a_nomination(client, officer_b, nominated):
    client.force_login(officer_b)
    url = reverse("recuperation:nomination_detail", args=[nominated.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("recuperation:nomination_step", args=[nominated.pk, "confirm"])
        ).status_code
        == 404
    )


def test_leader_approves_on_the_page_and_a_refusal_is_shown(client, approver, nominated, officer):
    client.force_login(approver)
    url = reverse("recuperation:nomination_step", args=[nominated.pk, "approve"])
    client.post(url)
    nominated.refresh_from_db()
    assert nominated.status == NominationStatus.APPROVED
    page = client.post(url, follow=True).content.decode()
    assert "不能进行此操作" in page


def test_officer_cannot_approve_on_the_page(client, officer, nominated):
    client.force_login(officer)
    page = client.post(
        reverse("recuperation:nomination_step", args=[nominated.pk, "approve"]), follow=True
    ).content.decode()
    assert "没有审批疗休养推荐的权限" in page
    nominated.refresh_from_db()
    assert nominated.status == NominationStatus.NOMINATED


def test_auditor_reads_but_never_writes(client, auditor, nominated):
    client.force_login(auditor)
    assert client.get(nominated.get_absolute_url()).status_code == 200
    url = reverse("recuperation:nomination_step", args=[nominated.pk, "approve"])
    assert client.post(url).status_code == 403


def test_administrator_sets_up_on_the_pages(client, administrator, union_a):
    client.force_login(administrator)
    response = client.post(
        reverse("recuperation:programme_create"),
        {
            "name": "2026年劳模疗休养",
            "year": 2026,
            "kind": "model_worker",
            "funding_source": "federation",
            "budget": "50000",
            "repeat_window_years": 5,
        },
    )
    programme = Programme.objects.get(name="2026年劳模疗休养")
    assert response.url == programme.get_absolute_url()
    client.post(
        reverse("recuperation:session_add", args=[programme.pk]),
        {
            "destination": "黄山",
            "provider": "黄山工人疗养院",
            "starts_on": "2027-04-01",
            "ends_on": "2027-04-07",
            "capacity": 20,
            "cost_per_person": "3000",
            "registration_deadline": "2027-03-01",
        },
    )
    assert programme.sessions.count() == 1
    page = client.post(
        reverse("recuperation:quota_set", args=[programme.pk]),
        {"organisation": union_a.pk, "places": 25},
        follow=True,
    ).content.decode()
    assert "最多可分配 20 人" in page
    client.post(
        reverse("recuperation:quota_set", args=[programme.pk]),
        {"organisation": union_a.pk, "places": 5},
    )
    assert Quota.objects.get(programme=programme).places == 5


def test_session_page_query_count_does_not_grow(
    client, administrator, officer, programme, union_a, django_assert_num_queries
):
    session = make_session(administrator, programme, capacity=30)
    services.set_quota(programme, union_a, 30, by=administrator)
    services.nominate(session, medical_person(union_a), by=officer)
    client.force_login(officer)
    url = session.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(_count(client, url)) as few:
        client.get(url)
    for _ in range(8):
        services.nominate(session, medical_person(union_a), by=officer)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["programme_list", "programme_create"])
def test_pages_refuse_users_without_the_role(client, django_user_model, federation, name):
    from tests.factories import make_user

    nobody = make_user(None, federation, username="nobody")
    client.force_login(nobody)
    assert client.get(reverse(f"recuperation:{name}")).status_code == 403


def test_programme_page_query_count_does_not_grow_with_sessions_and_quotas(
    client, administrator, programme, union_a, union_b, django_assert_num_queries
):
    make_session(administrator, programme, capacity=10)
    services.set_quota(programme, union_a, 5, by=administrator)
    client.force_login(administrator)
    url = programme.get_absolute_url()
    client.get(url)  # the first request of a session stamps its activity (accounts.sessions)
    queries = _count(client, url)
    for start in (60, 90, 120):
        make_session(administrator, programme, start_in=start, capacity=10)
    services.set_quota(programme, union_b, 5, by=administrator)
    with django_assert_num_queries(queries):
        client.get(url)


def test_declined_nomination_shows_its_replacement(client, officer, nominated, approver, union_a):
    services.approve_nomination(nominated, by=approver)
    services.decline_nomination(nominated, by=officer, reason="出差")
    client.force_login(officer)
    page = client.get(nominated.get_absolute_url()).content.decode()
    assert "推荐替补人员" in page
    replacement = services.nominate_replacement(
        nominated, medical_person(union_a, name="补位人"), by=officer
    )
    page = client.get(nominated.get_absolute_url()).content.decode()
    assert "补位人" in page and "推荐替补人员" not in page
    assert replacement.get_absolute_url() in page


def test_programme_list_query_count_does_not_grow_with_programmes(
    client, officer, administrator, programme, django_assert_num_queries
):
    client.force_login(officer)
    url = reverse("recuperation:programme_list")
    client.get(url)  # the first request of a session stamps its activity (accounts.sessions)
    queries = _count(client, url)
    for year in (2021, 2022, 2023):
        make_programme(administrator, year=year)
    with django_assert_num_queries(queries):
        page = client.get(url)
    assert page.content.decode().count("医护人员疗休养</a>") == 4
