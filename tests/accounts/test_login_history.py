"""A sign-in updates last_login and the access log, and adds no row to the change history
(issue 15 item 10: no 无字段变化 rows in the change log)."""

import pytest
from django.urls import reverse

from audits.models import AccessLog
from core.access import AccessAction

pytestmark = pytest.mark.django_db


def test_signing_in_writes_no_history_row_but_logs_the_access(client, officer):
    before = officer.history.count()
    response = client.post(
        reverse("login"), {"username": officer.username, "password": "pw-Relief-2026"}
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.last_login is not None
    assert officer.history.count() == before
    assert AccessLog.objects.filter(username=officer.username, action=AccessAction.LOGIN).exists()


def test_a_real_change_to_a_user_still_has_history(officer):
    before = officer.history.count()
    officer.display_name = "李帮扶"
    officer.save()
    assert officer.history.count() == before + 1
