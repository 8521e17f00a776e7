from django.conf import settings
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
