"""Request-wide behaviour that belongs to no domain app."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Dutch unless the user picked another language with the switch in the header.

    Django's own middleware follows the browser's Accept-Language, so a professional whose
    browser happens to be English would get an English UI they never chose. The switch stores
    the choice in the language cookie; that cookie is the only thing that moves us off Dutch.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        available = {code for code, _name in settings.LANGUAGES}
        translation.activate(chosen if chosen in available else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()


class NoStoreMiddleware:
    """Every page, PDF and export the application renders may hold personal data: none of it
    may stay in a browser's or a proxy's cache, where the next user of a shared computer (or a
    proxy's disk) would find it. Static files never get here (WhiteNoise answers them first)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        return response
