"""ETags of representations, `If-Match` (412 on a stale write) and `Idempotency-Key` replays."""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.response import Response

from .errors import IdempotencyConflict, PreconditionFailed
from .models import IdempotencyKey

IDEMPOTENCY_HEADER = "Idempotency-Key"


def etag_of(data) -> str:
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    return f'"{digest[:32]}"'


def check_if_match(request, current_etag: str) -> None:
    """A write naming a version (`If-Match`) that is no longer the current one is refused."""
    wanted = request.headers.get("If-Match")
    if not wanted or wanted.strip() == "*":
        return
    tags = {tag.strip().removeprefix("W/") for tag in wanted.split(",")}
    if current_etag not in tags:
        raise PreconditionFailed(_("记录已被他人修改（版本不一致），请重新读取后再提交。"))


def _fingerprint(request) -> str:
    data = request.data
    if hasattr(data, "lists"):
        data = {key: [getattr(v, "name", v) for v in values] for key, values in data.lists()}
    files = {name: [f.name, f.size] for name, f in getattr(request, "FILES", {}).items()}
    payload = json.dumps([request.method, request.path, data, files], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def idempotent(request, handler) -> Response:
    """Run `handler` once per `Idempotency-Key`; a retry gets the first answer again.

    The key row and the change commit together, so a retry racing the first request waits on
    the key's unique index and then replays. Refusals are not kept: the client may fix the
    request and send it again under the same key.
    """
    key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
    if not key:
        return handler()
    if len(key) > 100:
        raise IdempotencyConflict(_("Idempotency-Key 不能超过 100 个字符。"))
    fingerprint = _fingerprint(request)
    stored = _stored(request, key)
    if stored is not None:
        return _replay(stored, fingerprint)
    error: Exception | None = None
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(
                user=request.user,
                key=key,
                method=request.method,
                path=request.path[:300],
                fingerprint=fingerprint,
            )
            try:
                response = handler()
            except Exception as exc:
                if transaction.get_connection().needs_rollback:
                    raise
                # A refusal keeps its own records (the access log of a four-eyes or
                # out-of-scope attempt); only the key goes, so a corrected retry may use it.
                error = exc
                row.delete()
            else:
                if response.status_code >= 400:
                    row.delete()
                else:
                    row.status_code = response.status_code
                    row.body = json.loads(json.dumps(response.data, default=str))
                    row.save(update_fields=["status_code", "body"])
    except IntegrityError:
        stored = _stored(request, key)
        if stored is None:
            raise
        return _replay(stored, fingerprint)
    if error is not None:
        raise error
    return response


def _stored(request, key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(user=request.user, key=key).first()


def _replay(stored: IdempotencyKey, fingerprint: str) -> Response:
    if stored.fingerprint != fingerprint:
        raise IdempotencyConflict(
            _("这个 Idempotency-Key 已用于另一个请求；每个新请求请使用新的键。")
        )
    response = Response(stored.body, status=stored.status_code)
    response["Idempotent-Replayed"] = "true"
    return response
