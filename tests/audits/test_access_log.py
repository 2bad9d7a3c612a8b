import pytest
from django.urls import reverse

from audits.models import AccessLog
from core.access import AccessAction

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
    from core.access import log_access

    log = log_access(user=officer, action=AccessAction.EXPORT, detail={"rows": 3})
    log.refresh_from_db()
    assert log.digest == access_digest(log)


def test_auditors_browse_filter_and_export_the_access_log(
    client, auditor, officer, officer_b, django_assert_num_queries
):
    from core.access import log_access

    log_access(user=officer, action=AccessAction.REVEAL, object_type="cases.person", object_id=7)
    log_access(user=officer_b, action=AccessAction.PRINT, object_type="payments.payment")
    client.force_login(auditor)
    url = reverse("audits:access_log")
    response = client.get(url, {"action": "reveal"})
    assert [log.username for log in response.context["logs"]] == ["officer_a"]
    assert reverse("audits:timeline", args=["cases.person", "7"]) in response.content.decode()
    response = client.get(url, {"user": "officer_b"})
    assert [log.action for log in response.context["logs"]] == ["print"]
    # session, user, perms ×2, organisation, groups, page, the labels of the page's records
    with django_assert_num_queries(8):
        client.get(url, {"action": "reveal"})
    export = client.get(reverse("audits:access_log_export", args=["csv"]))
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert f"{officer},查看敏感信息,职工,#7" in body
    assert f"{officer_b},打印,慰问金," in body
    client.force_login(officer)
    assert client.get(url).status_code == 403
