"""The chain's secrets and its MAC: one place, so key handling can change without touching
the digest or verification code.

The key is `AUDIT_CHAIN_KEY` (required in production; development falls back to SECRET_KEY so a
fresh checkout runs), never held by the database. Each entry and access-log row records the id
of the key that signed it (a hash of the key, not the key). After a rotation the previous keys go
into `AUDIT_CHAIN_OLD_KEYS`, and rows are verified with the key their id names; a row whose key
is not configured is reported as a key mismatch, not as tampering.
"""

import hashlib
import hmac

from django.conf import settings

try:  # OpenSSL's HMAC object, without `hmac.HMAC`'s Python layer: copied once per row
    from _hashlib import hmac_new as _hmac_new
except ImportError:  # pragma: no cover — a Python built without OpenSSL's hashlib
    from hmac import new as _hmac_new  # type: ignore[assignment]


def keyed(key: bytes):
    """An HMAC-SHA256 state already keyed with `key`: `.copy()`, `.update(text)` and
    `.hexdigest()` per row cost half of a one-shot `hmac.digest` (OpenSSL 3 looks the digest
    up by name and hashes the key again on every call)."""
    return _hmac_new(key, digestmod="sha256")


CHUNK = 5000
CHAIN_CHANGES = "change"
CHAIN_ACCESS = "access"
SEP = "\x1f"


def _derive(secret: str) -> bytes:
    return hashlib.sha256(("relief-audit:" + secret).encode()).digest()


def _key() -> bytes:
    """The current signing key."""
    return _derive(getattr(settings, "AUDIT_CHAIN_KEY", "") or settings.SECRET_KEY)


def key_id(key: bytes) -> str:
    """A short public name of a key: shows which key signed a row without revealing it."""
    return hashlib.sha256(b"relief-audit-key-id:" + key).hexdigest()[:12]


def current_key_id() -> str:
    return key_id(_key())


def keyring() -> dict[str, bytes]:
    """Key id → key, for the current key and every old one still configured."""
    keys = [_key()] + [_derive(old) for old in getattr(settings, "AUDIT_CHAIN_OLD_KEYS", []) if old]
    return {key_id(key): key for key in reversed(keys)} | {current_key_id(): _key()}


def _mac(text: str, key: bytes | None = None) -> str:
    return hmac.new(key or _key(), text.encode(), hashlib.sha256).hexdigest()
