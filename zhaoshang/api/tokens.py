"""Making, checking and revoking API tokens (the services behind the page and the CLI)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.api.models import ApiToken

PREFIX = "zs_"
# A token's last-use time is written at most this often (one write per token per minute).
LAST_USE_STEP = timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def do_create_token(
    user, *, read_only: bool, expires_on: date | None = None, name: str = "", actor=None
) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it with its secret (shown once, never stored)."""
    if actor is not None and actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDenied
    if not user.is_active:
        raise ValidationError(_("账号已停用，不能创建接口令牌"))
    if expires_on is not None and expires_on < timezone.localdate():
        raise ValidationError(_("有效期不能早于今天"))
    key = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        prefix=key[:10],
        key_hash=hash_key(key),
        read_only=read_only,
        expires_on=expires_on,
    )
    return token, key


def authenticate_key(key: str) -> tuple[ApiToken | None, str]:
    """The usable token for ``key`` and "" — or None and why not (for the security log)."""
    token = (
        ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
        if key
        else None
    )
    if token is None:
        return None, "unknown"
    if token.revoked_at is not None:
        return None, "revoked"
    if not token.is_usable():
        return None, "expired"
    if not token.user.is_active:
        return None, "inactive"
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_STEP:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token, ""


@transaction.atomic
def do_revoke_token(token: ApiToken, *, actor) -> bool:
    """Revoke ``token`` (its owner or a superuser); False when it was already revoked."""
    if actor.pk != token.user_id and not actor.is_superuser:
        raise PermissionDenied
    return bool(
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )
