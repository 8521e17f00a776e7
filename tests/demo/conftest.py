"""The demo loaded once per module (loading takes a few seconds), rolled back afterwards.

Each test still runs inside its own transaction (the ``db`` fixture nests a
savepoint in the module's transaction), so a test that resets or reloads the
demo leaves the module's copy as it was.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test.utils import override_settings

from zhaoshang.demo.scenario import load_demo
from zhaoshang.demo.workbook import REFERENCE_TODAY

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The text `zhaoshang demo` printed, the demo having been loaded as of 2026-11-27."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield load_demo(today=REFERENCE_TODAY)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
