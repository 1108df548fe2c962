"""Language selection: Swedish unless the user has chosen another language."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
