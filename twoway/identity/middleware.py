"""Activate the signed-in user's language (kept per user); Chinese consumers default to zh-Hans."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "lang" not in request.GET:
            language = user.default_language()
            if language in self.languages:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        elif request.GET.get("lang") in self.languages:
            translation.activate(request.GET["lang"])
            request.LANGUAGE_CODE = request.GET["lang"]
        return self.get_response(request)
