"""Logins, failures and lockouts into the security log (zhaoshang/security.py)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from zhaoshang.security import security_event


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    import time

    from zhaoshang.web.middleware import SessionLimitsMiddleware

    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SessionLimitsMiddleware.LOGIN_AT] = now
        request.session[SessionLimitsMiddleware.SEEN_AT] = now
    security_event("login", request, user=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        security_event("logout", request, user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # Only the name typed, never the password (credentials holds it).
    security_event("login_failed", request, user=str(credentials.get("username") or ""))


@receiver(user_locked_out)
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    security_event("lockout", request, user=str(username or ""), locked_address=ip_address)
