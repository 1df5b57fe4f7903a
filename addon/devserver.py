"""One WSGI app for local use: the add-on, plus the vendor stand-ins when in sandbox mode."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware


def combined_app(app: Flask):
    if not app.config["SANDBOX_MODE"]:
        return app
    import sandbox

    return DispatcherMiddleware(app, {"/sandbox": sandbox.create_app()})
