"""The chain's secret and its MAC: one place, so key handling can change without touching
the digest or verification code."""

import hashlib
import hmac

from django.conf import settings

CHUNK = 5000
CHAIN_CHANGES = "change"
CHAIN_ACCESS = "access"
SEP = "\x1f"


def _key() -> bytes:
    key = getattr(settings, "AUDIT_CHAIN_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(("relief-audit:" + key).encode()).digest()


def _mac(text: str, key: bytes | None = None) -> str:
    return hmac.new(key or _key(), text.encode(), hashlib.sha256).hexdigest()
