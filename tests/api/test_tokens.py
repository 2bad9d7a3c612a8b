"""Tokens: hashed at rest, with a name and an expiry, revocable, every use recorded."""

import datetime

import pytest
from django.utils import timezone

from api.models import ApiToken
from api.services import TokenRefused, create_token, hash_secret, revoke_token

from .conftest import token_client

pytestmark = pytest.mark.django_db


def test_token_is_stored_only_as_its_hash(officer):
    issued = create_token(owner=officer, by=officer, name="手机端")
    row = ApiToken.objects.get()
    assert issued.secret not in str(list(ApiToken.objects.values()))
    assert row.key_hash == hash_secret(issued.secret)
    assert issued.secret.startswith(f"rlf_{row.prefix}_")
    assert row.name == "手机端" and row.expires_at > timezone.now()


def test_each_use_records_time_and_address(officer):
    client = token_client(officer, REMOTE_ADDR="10.1.2.3")
    assert client.get("/api/v1/people/").status_code == 200
    assert client.get("/api/v1/people/").status_code == 200
    token = ApiToken.objects.get()
    assert token.last_used_ip == "10.1.2.3"
    assert token.use_count == 2
    assert token.last_used_at is not None


def test_expired_and_revoked_tokens_are_refused_with_the_error_shape(officer):
    client = token_client(officer)
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/api/v1/people/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert response.json()["error"]["message"] == "令牌无效、已过期或已被吊销。"

    client = token_client(officer)
    revoke_token(client.token, by=officer)
    assert client.get("/api/v1/people/").status_code == 401


def test_a_wrong_token_is_refused_and_no_token_is_unauthenticated(officer, client):
    assert client.get("/api/v1/people/").status_code == 401
    response = client.get("/api/v1/people/", HTTP_AUTHORIZATION="Bearer rlf_nothing_here")
    assert response.status_code == 401


def test_only_an_administrator_manages_tokens_of_others(officer, officer_b, administrator):
    with pytest.raises(TokenRefused):
        create_token(owner=officer_b, by=officer, name="x")
    issued = create_token(owner=officer, by=administrator, name="为专干创建")
    assert issued.token.user == officer and issued.token.created_by == administrator
    with pytest.raises(TokenRefused):
        revoke_token(issued.token, by=officer_b)
    revoke_token(issued.token, by=administrator)
    issued.token.refresh_from_db()
    assert issued.token.revoked_by == administrator


def test_a_token_needs_a_name_and_a_bounded_expiry(officer):
    with pytest.raises(TokenRefused):
        create_token(owner=officer, by=officer, name=" ")
    with pytest.raises(TokenRefused):
        create_token(owner=officer, by=officer, name="x", days=0)
    with pytest.raises(TokenRefused):
        create_token(owner=officer, by=officer, name="x", days=367)
    assert not ApiToken.objects.exists()


def test_the_throttle_counts_per_token(officer, monkeypatch):
    from django.core.cache import cache

    from api.throttling import TokenRateThrottle

    cache.clear()
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "2/minute"})
    first, second = token_client(officer), token_client(officer)
    assert first.get("/api/v1/people/").status_code == 200
    assert first.get("/api/v1/people/").status_code == 200
    refused = first.get("/api/v1/people/")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert "Retry-After" in refused.headers
    assert second.get("/api/v1/people/").status_code == 200
    cache.clear()
