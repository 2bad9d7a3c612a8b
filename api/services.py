"""Creating, revoking and using API tokens: every write to `ApiToken` goes through here."""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role
from core.errors import RuleViolation

from .models import ApiToken

TOKEN_PREFIX = "rlf_"  # noqa: S105 (a prefix, not a secret)
MAX_DAYS = 366
DEFAULT_DAYS = 90


class TokenRefused(RuleViolation):
    code = "token_refused"


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def can_manage_tokens_of_others(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR) or getattr(user, "is_superuser", False)


def _require_manager(by, owner) -> None:
    if owner.pk != by.pk and not can_manage_tokens_of_others(by):
        raise TokenRefused(_("只有系统管理员可以管理他人的接口令牌。"))


def create_token(
    *, owner, by, name: str, days: int = DEFAULT_DAYS, secret: str | None = None
) -> IssuedToken:
    """A new token for `owner`; the clear secret is returned once and only its hash is kept.

    `secret` is for the demo seeder only, which derives a reproducible one (see `api.demo`).
    """
    _require_manager(by, owner)
    name = (name or "").strip()
    if not name:
        raise TokenRefused(_("请填写令牌名称，例如“财务对账脚本”。"))
    if not 1 <= int(days) <= MAX_DAYS:
        raise TokenRefused(_("有效期须在 1 到 %(max)s 天之间。") % {"max": MAX_DAYS})
    if not owner.is_active:
        raise TokenRefused(_("该用户已停用，不能为其创建令牌。"))
    if secret is None:
        secret = f"{TOKEN_PREFIX}{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}"
    prefix = secret.removeprefix(TOKEN_PREFIX)[:8]
    token = ApiToken.objects.create(
        user=owner,
        name=name[:100],
        prefix=prefix,
        key_hash=hash_secret(secret),
        created_by=by,
        expires_at=timezone.now() + datetime.timedelta(days=int(days)),
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def revoke_token(token: ApiToken, *, by) -> ApiToken:
    _require_manager(by, token.user)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def find_active_token(secret: str) -> ApiToken | None:
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(key_hash=hash_secret(secret))
        .first()
    )
    if token is None or not token.is_active or not token.user.is_active:
        return None
    return token


def record_token_use(token: ApiToken, ip: str | None) -> None:
    """Last use and address, written with one UPDATE (no history: this is not domain data)."""
    from django.db.models import F

    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=now, last_used_ip=ip, use_count=F("use_count") + 1
    )
    token.last_used_at = now
    token.last_used_ip = ip
