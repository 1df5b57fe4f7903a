"""The development stack, the one place the add-on meets `sandbox/`.

`create_app` is what `make run` serves (`flask --app addon.devserver remit serve|worker`): with
no vendor credentials outside production it hands the add-on the stand-ins' credentials and
hosts as plain settings; `combined_app` mounts the stand-ins under /sandbox.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

import addon
from addon import settings


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The add-on in sandbox mode unless this is production or vendor credentials are set."""
    values = {**settings.from_environment(), **(config or {})}
    if values["ENV"] == "production" or any(
        values.get(name) for name in settings.VENDOR_CREDENTIALS
    ):
        return addon.create_app(config)
    base_url = values.get("BASE_URL") or settings.DEVELOPMENT_BASE_URL
    sandbox_url = values.get("SANDBOX_URL") or base_url.rstrip("/") + "/sandbox"
    return addon.create_app({**sandbox_settings(sandbox_url), **(config or {})})


def sandbox_settings(sandbox_url: str) -> dict[str, Any]:
    """The stand-ins' published credentials and where each vendor host answers (development and
    tests only: these secrets guard nothing)."""
    import sandbox.hosts
    import sandbox.oauth
    import sandbox.stripe

    return {
        "SANDBOX_URL": sandbox_url.rstrip("/"),
        settings.VENDOR_HOSTS: sandbox.hosts.stand_ins(sandbox_url),
        "QUICKBOOKS_ENVIRONMENT": "sandbox",
        "QUICKBOOKS_CLIENT_ID": sandbox.oauth.SANDBOX_CLIENT_ID,
        "QUICKBOOKS_CLIENT_SECRET": sandbox.oauth.SANDBOX_CLIENT_SECRET,
        "XERO_CLIENT_ID": sandbox.oauth.SANDBOX_CLIENT_ID,
        "XERO_CLIENT_SECRET": sandbox.oauth.SANDBOX_CLIENT_SECRET,
        "STRIPE_CLIENT_ID": sandbox.stripe.SANDBOX_STRIPE_CLIENT_ID,
        "STRIPE_SECRET_KEY": sandbox.stripe.SANDBOX_STRIPE_SECRET_KEY,
        "STRIPE_WEBHOOK_SECRET": sandbox.stripe.SANDBOX_STRIPE_WEBHOOK_SECRET,
    }


def combined_app(app: Flask, addon_url: str | None = None):
    if not app.config["SANDBOX_MODE"]:
        return app
    import sandbox

    # The Stripe stand-in posts Connect events (payments, deauthorizations) back to the add-on.
    stand_ins = sandbox.create_app({"REMIT_ADDON_URL": addon_url or app.config["BASE_URL"]})
    return DispatcherMiddleware(app, {"/sandbox": stand_ins})
