"""`Authorization: Bearer rlf_…` token authentication; each use records time and address."""

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from core.access import client_ip

from .services import find_active_token, record_token_use


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("令牌格式不正确：应为 Bearer 加一个令牌。"))
        try:
            secret = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("令牌格式不正确。")) from None
        token = find_active_token(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(_("令牌无效、已过期或已被吊销。"))
        record_token_use(token, client_ip(request))
        return (token.user, token)

    def authenticate_header(self, request):
        return self.keyword


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "个人接口令牌（在“接口令牌”页面创建）/ a personal API token",
        }
