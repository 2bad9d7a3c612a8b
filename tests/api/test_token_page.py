"""The token page: the secret once, last use shown, revoke; administrators manage others'."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.models import ApiToken
from api.services import create_token, hash_secret, revoke_token

pytestmark = pytest.mark.django_db


def test_a_user_creates_a_token_and_sees_the_secret_once(client, officer):
    client.force_login(officer)
    response = client.post(reverse("api:tokens"), {"name": "走访小程序", "days": 30})
    assert response.status_code == 200
    secret = response.context["issued"].secret
    assert secret in response.content.decode()
    token = ApiToken.objects.get()
    assert token.key_hash == hash_secret(secret) and token.user == officer
    again = client.get(reverse("api:tokens")).content.decode()
    assert secret not in again and "走访小程序" in again and token.prefix in again


def test_a_bad_form_creates_nothing(client, officer):
    client.force_login(officer)
    response = client.post(reverse("api:tokens"), {"name": "", "days": 999})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"name", "days"}
    assert not ApiToken.objects.exists()


def test_a_user_revokes_only_their_own_tokens(client, officer, officer_b):
    own = create_token(owner=officer, by=officer, name="mine").token
    other = create_token(owner=officer_b, by=officer_b, name="theirs").token
    client.force_login(officer)
    assert client.post(reverse("api:token_revoke", args=[other.pk])).status_code == 404
    assert client.post(reverse("api:token_revoke", args=[own.pk])).status_code == 302
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.revoked_by == officer and other.revoked_at is None
    assert "theirs" not in client.get(reverse("api:tokens")).content.decode()


def test_an_administrator_creates_and_revokes_tokens_for_others(client, administrator, finance):
    client.force_login(administrator)
    client.post(reverse("api:tokens"), {"name": "对账", "days": 7, "owner": finance.pk})
    token = ApiToken.objects.get()
    assert token.user == finance and token.created_by == administrator
    client.post(reverse("api:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_by == administrator


def test_an_auditor_may_hold_a_token_and_still_cannot_write(client, auditor):
    client.force_login(auditor)
    client.post(reverse("api:tokens"), {"name": "审计导出", "days": 7})
    assert ApiToken.objects.filter(user=auditor).exists()


def test_token_page_query_count_does_not_grow_with_tokens(
    client, administrator, officer, finance, django_assert_num_queries
):
    create_token(owner=officer, by=administrator, name="走访小程序")
    client.force_login(administrator)
    url = reverse("api:tokens")
    client.get(url)  # the first request of a session stamps its activity (accounts.sessions)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for owner in (finance, officer, administrator):
        revoke = create_token(owner=owner, by=administrator, name="对账脚本").token
        create_token(owner=owner, by=administrator, name="报表")
        revoke_token(revoke, by=administrator)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert len(page.context["page"].object_list) == 7
