"""Stabil's own middleware: language selection, and no caching of any page Stabil makes."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Activate the language the user chose (the language cookie set by /sprak/), else Swedish.

    Django's own middleware follows the browser's Accept-Language; Stabil's users work in Swedish
    whatever their browser says, and switch to English explicitly.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NoStoreMiddleware:
    """Mark every response Stabil makes ``Cache-Control: no-store`` (Django's ``add_never_cache_headers``).

    Pages, exports and job downloads carry data about children and staff; neither the browser's cache nor a
    proxy may keep them (issue 11). Applying it to every response, not only those judged personal, leaves
    nothing to forget: the few public ones (log-in page, health check, redirects) lose nothing by it.
    Static files are served by WhiteNoise before this middleware is reached and stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
