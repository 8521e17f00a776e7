"""The security log: one JSON line per login, failure, lockout, denial, token
failure, import and export (docs/security.md).

Call ``security_event(kind, request=None, **fields)`` from anywhere; the line
names who, from where and what (scope, row count…), never a secret. Settings
send the ``zhaoshang.security`` logger to a file rotated daily and kept at least
six months (网络安全法 Art. 21).
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime
from logging.handlers import TimedRotatingFileHandler
from pathlib import Path

from django.utils import timezone

logger = logging.getLogger("zhaoshang.security")

# Never written, whatever a caller passes: the line must be safe to hand to a reviewer.
SECRET_WORDS = ("password", "secret", "token", "otp", "key", "session", "cookie", "csrf")


def client_address(request) -> str | None:
    """The client's address: behind the HTTPS proxy the last X-Forwarded-For hop."""
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    from django.conf import settings

    if forwarded and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def _clean(value):
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if not _secret(k)}
    if isinstance(value, list | tuple | set):
        return [_clean(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _secret(name: str) -> bool:
    lowered = str(name).lower()
    return any(word in lowered for word in SECRET_WORDS)


def security_event(kind: str, request=None, **fields) -> dict:
    """Writes one line to the security log and returns what it wrote."""
    record: dict = {"time": timezone.now().isoformat(timespec="seconds"), "kind": kind}
    user = getattr(request, "user", None) if request is not None else None
    if "user" in fields:
        user = fields.pop("user")
    if user is not None and getattr(user, "is_authenticated", False):
        record["user"] = user.get_username()
    elif isinstance(user, str) and user:
        record["user"] = user
    if request is not None:
        record["address"] = client_address(request)
        record["method"] = request.method
        record["path"] = request.path
    record.update(_clean(fields))
    logger.info(json.dumps(record, ensure_ascii=False, sort_keys=False))
    return record


class SecurityLogHandler(TimedRotatingFileHandler):
    """Daily rotation into a directory only the service user can read (0700, files 0600)."""

    def __init__(self, filename, *args, **kwargs):
        folder = Path(filename).parent
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        old = os.umask(0o077)
        try:
            super().__init__(filename, *args, **kwargs)
        finally:
            os.umask(old)

    def _open(self):
        old = os.umask(0o077)
        try:
            return super()._open()
        finally:
            os.umask(old)
