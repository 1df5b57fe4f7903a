"""Flask's signed-cookie session, with its signing serializer built once per key set instead of
on every request (Flask builds a new one each time a session is opened or saved: a measurable
share of a webhook's cost, though webhooks carry no cookie). The keys are read on every call, so
a changed SECRET_KEY or fallback list builds a new serializer."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class CachedSerializerSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._built: tuple[tuple, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if self._built is None or self._built[0] != keys:
            self._built = (keys, super().get_signing_serializer(app))
        return self._built[1]
