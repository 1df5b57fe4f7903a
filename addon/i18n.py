"""Which language a page speaks: the visitor's explicit choice, then the platform locale of the
signed-in user, then the browser's Accept-Language."""

from __future__ import annotations

from flask import g, request, session

LANGUAGES = ("en", "fr")
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


def language_of(locale: str | None) -> str | None:
    """'fr-CA', 'fr_FR' and 'FR' all mean French; anything we do not speak is None."""
    if not locale:
        return None
    language = locale.replace("_", "-").split("-")[0].lower()
    return language if language in LANGUAGES else None


def select_locale() -> str:
    chosen = language_of(session.get("language"))
    if chosen:
        return chosen
    user = g.get("user")
    from_platform = language_of(user.locale) if user is not None else None
    if from_platform:
        return from_platform
    return request.accept_languages.best_match(LANGUAGES, default=LANGUAGES[0])
