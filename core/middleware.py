"""Simplified Chinese unless the user chose English with the language switch.

Django's LocaleMiddleware also follows the browser's Accept-Language header, so an English
browser would get a half-English interface nobody asked for. Here only the language cookie (set
by the switch, `django.views.i18n.set_language`) can change the language.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        available = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
