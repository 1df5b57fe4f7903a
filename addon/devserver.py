"""One WSGI app for local use: the add-on, plus the vendor stand-ins when in sandbox mode."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware


def combined_app(app: Flask, addon_url: str | None = None):
    if not app.config["SANDBOX_MODE"]:
        return app
    import sandbox

    # The Stripe stand-in posts Connect events (payments, deauthorizations) back to the add-on.
    stand_ins = sandbox.create_app({"REMIT_ADDON_URL": addon_url or app.config["BASE_URL"]})
    return DispatcherMiddleware(app, {"/sandbox": stand_ins})
