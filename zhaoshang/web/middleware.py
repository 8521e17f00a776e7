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
