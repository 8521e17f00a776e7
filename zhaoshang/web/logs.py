"""Logging filters for the console log."""

from __future__ import annotations

import logging


class ForbiddenOneLine(logging.Filter):
    """A refused request (403) is an everyday event, not a fault: one line, no traceback.

    Django logs ``Forbidden (Permission denied): /path`` with the PermissionDenied
    exception attached, which the console would print as a traceback per refusal.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403 and not getattr(record, "one_line", False):
            record.one_line = True  # every handler sees the same record: change it once
            record.exc_info = None
            record.exc_text = None
            user = getattr(getattr(record, "request", None), "user", None)
            if user is not None and getattr(user, "is_authenticated", False):
                record.msg = f"{record.msg}（用户 {user.get_username()}）"
        return True
