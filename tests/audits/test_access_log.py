import pytest
from django.urls import reverse

from audits.models import AccessAction, AccessLog

pytestmark = pytest.mark.django_db


def login(client, username, password, address="10.1.2.3"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_login_and_logout_are_logged_with_the_client_address(client, officer):
    response = login(client, "officer_a", "pw-Relief-2026")
    assert response.status_code == 302
    entry = AccessLog.objects.get(action=AccessAction.LOGIN)
    assert (entry.user, entry.username, entry.ip_address) == (officer, "officer_a", "10.1.2.3")

    client.post(reverse("logout"), REMOTE_ADDR="10.1.2.3")
    assert AccessLog.objects.filter(action=AccessAction.LOGOUT, user=officer).count() == 1


def test_failed_login_is_logged_with_the_username_tried_and_no_password(client, officer):
    response = login(client, "officer_a", "wrong-password", address="10.9.9.9")
    assert response.status_code == 200
    entry = AccessLog.objects.get(action=AccessAction.LOGIN_FAILED)
    assert entry.user is None
    assert entry.username == "officer_a"
    assert entry.ip_address == "10.9.9.9"
    assert "wrong-password" not in str(entry.detail)


def test_a_login_refused_by_the_axes_lockout_is_logged_as_failed(client, officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "officer_a", "wrong-password")
    response = login(client, "officer_a", "pw-Relief-2026")  # right password, but locked out
    assert response.status_code != 302
    failures = AccessLog.objects.filter(action=AccessAction.LOGIN_FAILED, username="officer_a")
    assert failures.count() == settings.AXES_FAILURE_LIMIT + 1
    assert failures.order_by("-id").first().detail.get("locked_out") is True
    assert not AccessLog.objects.filter(action=AccessAction.LOGIN).exists()


def test_every_access_log_row_is_signed_when_written(officer):
    from audits.chain import access_digest
    from audits.services import log_access

    log = log_access(user=officer, action=AccessAction.EXPORT, detail={"rows": 3})
    log.refresh_from_db()
    assert log.digest == access_digest(log)
