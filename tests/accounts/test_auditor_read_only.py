"""Auditors read everything in scope and never write: every unsafe request is refused (403)."""

import pytest
from django.urls import reverse

from audits.models import AccessLog
from core.access import AccessAction
from tests.factories import PersonFactory


@pytest.fixture
def person(union_a):
    return PersonFactory(organisation=union_a, name="王小明")


def test_auditor_reads_people_and_organisations(client, auditor, person):
    client.force_login(auditor)
    assert client.get(reverse("cases:person_list")).status_code == 200
    assert client.get(person.get_absolute_url()).status_code == 200
    assert client.get(reverse("cases:organisation_list")).status_code == 200


@pytest.mark.parametrize(
    "url_name", ["cases:person_create", "cases:person_edit", "cases:person_detail"]
)
def test_auditor_posts_are_refused_and_logged(client, auditor, person, url_name):
    client.force_login(auditor)
    args = [] if url_name == "cases:person_create" else [person.pk]
    response = client.post(reverse(url_name, args=args), {"name": "改名"})
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.name == "王小明"
    assert AccessLog.objects.filter(action=AccessAction.DENIED, user=auditor).exists()


def test_auditor_cannot_write_through_the_admin_either(client, auditor, union_a):
    auditor.is_staff = True
    auditor.save()
    client.force_login(auditor)
    response = client.post(
        reverse("admin:cases_organisation_add"), {"code": "X1", "name": "新单位"}
    )
    assert response.status_code == 403


def test_auditor_can_still_sign_out_and_switch_language(client, auditor):
    client.force_login(auditor)
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302


def test_auditor_can_change_their_own_password(client, auditor):
    client.force_login(auditor)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-Relief-2026",
            "new_password1": "Another-long-pass-77",
            "new_password2": "Another-long-pass-77",
        },
    )
    assert response.status_code == 302
    auditor.refresh_from_db()
    assert auditor.check_password("Another-long-pass-77")


def test_other_roles_are_not_affected(client, officer, union_a):
    client.force_login(officer)
    response = client.post(reverse("cases:person_create"), {"name": ""})
    assert response.status_code == 200  # the form, with its messages
