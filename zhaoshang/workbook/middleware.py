"""A writer that cannot get SQLite's write lock in time (an import is committing) gets a
clear page, HTTP 503 「正在导入，请稍后再试」, never a 500.

Imports validate outside any transaction and hold the lock only while they
write, so this is rare; when it happens nothing was written (the failed
transaction rolled back) and the user can simply try again.
"""

from __future__ import annotations

from django.db import OperationalError
from django.shortcuts import render
from django.utils.translation import gettext as _


def is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, OperationalError) and ("locked" in text or "busy" in text)


class BusyDatabaseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_busy(exception):
            return None
        response = render(
            request,
            "workbook/busy.html",
            {"message": _("正在导入，请稍后再试")},
            status=503,
        )
        response["Retry-After"] = "5"
        return response
