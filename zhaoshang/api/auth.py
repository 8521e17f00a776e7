"""How a program signs in to the API: ``Authorization: Bearer TOKEN``.

A bad, expired or revoked token is 401 and leaves a line in the security log;
a read-only token may read but not write (403). Signed-in web users can use
the browsable API with their session too (with the usual CSRF check).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission

from zhaoshang.api.models import ApiToken
from zhaoshang.api.tokens import authenticate_key
from zhaoshang.security import security_event


def log_token_failure(request, why: str, prefix: str) -> None:
    """One security-log line per refused token: why, from where, its first characters only."""
    # The Django request, not DRF's: reading DRF's user here would authenticate again.
    security_event(
        "token_failure",
        request=getattr(request, "_request", request),
        user=None,
        reason=why,
        prefix=prefix,
    )


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.encode():
            return None
        if len(header) != 2:
            log_token_failure(request, "malformed", "")
            raise exceptions.AuthenticationFailed(_("Authorization 头格式应为：Bearer 令牌"))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            key = ""
        token, why = authenticate_key(key)
        if token is None:
            log_token_failure(request, why, key[:10])
            raise exceptions.AuthenticationFailed(_("接口令牌无效、已过期或已吊销"))
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="zhaoshang"'


class TokenAccess(BasePermission):
    """Signed in; and a read-only token only reads."""

    message = _("此接口令牌为只读，不能修改数据")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        token = request.auth
        return not (isinstance(token, ApiToken) and token.read_only)


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Names the token scheme in the OpenAPI schema (``Authorization: Bearer TOKEN``)."""

    target_class = "zhaoshang.api.auth.BearerTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer"}
