from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation


class ChosenLanguageMiddleware:
    """Chinese unless the user chose another language with the switcher.

    The browser's Accept-Language is ignored on purpose: office PCs often carry
    English system settings, and the platform is Chinese first.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class DenialLogMiddleware:
    """A signed-in user refused by a view (out of scope: 404, not allowed: 403) is logged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404 | PermissionDenied) and request.user.is_authenticated:
            from zhaoshang.security import security_event

            status = 404 if isinstance(exception, Http404) else 403
            security_event("denied", request, status=status)
        return None


class UploadLimitMiddleware:
    """Refuses a request whose declared body exceeds settings.UPLOAD_MAX_BYTES with 413,
    from the Content-Length header alone: nothing of the body is read or stored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.UPLOAD_MAX_BYTES:
            from django.http import HttpResponse
            from django.utils.translation import gettext as _

            limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
            message = _("上传的内容过大（%(size)s MB），单次上传不能超过 %(limit)s MB。") % {
                "size": f"{length / 1024 / 1024:.0f}",
                "limit": limit,
            }
            response = HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
            # The unread body must not be taken for the next request on this connection.
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class SessionLimitsMiddleware:
    """Ends a login after settings.SESSION_IDLE_SECONDS without a request, and at the
    latest settings.SESSION_COOKIE_AGE after signing in, whatever happened since."""

    LOGIN_AT = "zs_login_at"
    SEEN_AT = "zs_seen_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            login_at = session.get(self.LOGIN_AT)
            seen_at = session.get(self.SEEN_AT, login_at)
            if login_at is None:
                session[self.LOGIN_AT] = login_at = now
                session[self.SEEN_AT] = seen_at = now
            idle = now - seen_at > settings.SESSION_IDLE_SECONDS
            too_old = now - login_at > settings.SESSION_COOKIE_AGE
            if idle or too_old:
                from django.contrib import messages
                from django.contrib.auth import logout
                from django.contrib.auth.views import redirect_to_login
                from django.utils.translation import gettext as _

                from zhaoshang.security import security_event

                security_event("session_expired", request, reason="idle" if idle else "lifetime")
                logout(request)
                messages.info(
                    request,
                    _("长时间未操作，已自动退出，请重新登录。")
                    if idle
                    else _("登录已超过有效期，请重新登录。"),
                )
                return redirect_to_login(request.get_full_path())
            # Written at most every tenth of the idle time (6 minutes by default): a
            # session save on every request would cost a query each.
            if now - seen_at >= settings.SESSION_IDLE_SECONDS // 10:
                session[self.SEEN_AT] = now
        return self.get_response(request)
