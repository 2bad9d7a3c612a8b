"""Demo data: an API token for `officer` and for `finance`, so the worked example of docs/api.md
runs against a demo server as it is.

The secret is derived from the deployment's SECRET_KEY and the seed: a rebuild with the same seed
prints the same token (nothing is ever added twice), and it cannot be guessed from outside.
"""

import base64
import hashlib
import hmac

from django.conf import settings

from core.demo import DemoContext, register

from .models import ApiToken
from .services import TOKEN_PREFIX, create_token, hash_secret

DEMO_TOKEN_USERS = ("officer", "finance")


def demo_secret(username: str, seed: int) -> str:
    message = f"relief-demo-token:{username}:{seed}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    body = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    return f"{TOKEN_PREFIX}{digest[:4].hex()}_{body}"


@register(order=90)
def seed_api_tokens(ctx: DemoContext) -> None:
    users = ctx.data.get("users", {})
    for username in DEMO_TOKEN_USERS:
        user = users.get(username)
        if user is None:
            continue
        secret = demo_secret(username, ctx.seed)
        if not ApiToken.objects.filter(key_hash=hash_secret(secret)).exists():
            create_token(owner=user, by=user, name="演示接口令牌", days=366, secret=secret)
        ctx.say(f"API token for {username} (docs/api.md): {secret}")
