"""Health: `/healthz` for liveness (the process and its database answer), `/readyz` for a load
balancer or monitor (database, file storage, background workers), both small JSON bodies."""

import logging
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jobs.health import worker_status

logger = logging.getLogger(__name__)


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


def _storage() -> dict:
    """A round trip: write, read back and delete a tiny probe in the default storage."""
    name = default_storage.save(f"health/{uuid.uuid4().hex}.probe", ContentFile(b"ok"))
    try:
        with default_storage.open(name, "rb") as handle:
            ok = handle.read() == b"ok"
    finally:
        default_storage.delete(name)
    return {"ok": ok, "backend": type(default_storage._wrapped).__name__}


@require_GET
@never_cache
def healthz(request):
    """200 when the application and its database answer; 503 when the database does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


@require_GET
@never_cache
def readyz(request):
    """200 when the database, the storage and at least one worker answer, and the oldest waiting
    job is not older than RELIEF_READY_MAX_QUEUE_AGE_SECONDS; 503 naming what failed otherwise."""
    checks: dict[str, dict] = {}
    for name, check in (("database", _database), ("storage", _storage), ("worker", worker_status)):
        try:
            checks[name] = check()
        except Exception as error:
            logger.warning("readiness check %s failed", name, exc_info=True)
            checks[name] = {"ok": False, "error": type(error).__name__}
    ready = all(c["ok"] for c in checks.values())
    body = {"status": "ok" if ready else "unavailable", **checks}
    return JsonResponse(body, status=200 if ready else 503)
