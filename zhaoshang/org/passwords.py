"""Marks an account whose password is set to the demo password (docs/security.md).

Django calls ``password_changed`` of every configured password validator
whenever a user's password is set and saved, whichever way (the pages, the
admin, the workbook, ``changepassword``). The demo password's hash is then
kept on the account, and ``serve`` warns while the hashes are equal; any other
password clears the mark.
"""

from __future__ import annotations

import hmac

from django.conf import settings


class DemoPasswordMarker:
    def validate(self, password, user=None):
        return None

    def get_help_text(self):
        return ""

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        from zhaoshang.org.models import Account

        is_demo = hmac.compare_digest(str(password), str(settings.DEMO_PASSWORD))
        mark = user.password if is_demo else ""
        # An account made just after its user (do_save_account) reads the mark on creation.
        user._demo_password_mark = mark
        Account.objects.filter(user=user).exclude(demo_password_hash=mark).update(
            demo_password_hash=mark
        )


def mark_new_account(sender, instance, created, **kwargs):
    """post_save of Account: a new account takes the mark its user's password left."""
    mark = getattr(instance.user, "_demo_password_mark", None)
    if created and mark is not None and instance.demo_password_hash != mark:
        type(instance).objects.filter(pk=instance.pk).update(demo_password_hash=mark)
        instance.demo_password_hash = mark
