"""The development stack, the one place the add-on meets the vendor stand-ins.

`create_app` is what `make run` serves (`flask --app addon.devserver remit serve|worker`): with
no vendor credentials outside production it hands the add-on the stand-ins' credentials and
hosts as plain settings; `combined_app` mounts the stand-ins under /sandbox.

The stand-ins are a plugin, not an import: a distribution installed beside Remit (the
repository's sandbox/, `pip install -e ./sandbox`, as `make run` and `make test` do) declares a
`remit.devstack` entry point, and the production wheel carries none.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

import addon
from addon import settings

DEV_STACK_GROUP = "remit.devstack"


class DevStackError(RuntimeError):
    """Sandbox mode was asked for but the stand-in plugin is missing, doubled or inconsistent."""


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


def dev_stack(sandbox_url: str):
    """The installed stand-ins' registration (hosts, settings, app), through the one
    `remit.devstack` entry point."""
    found = list(entry_points(group=DEV_STACK_GROUP))
    if len(found) != 1:
        names = ", ".join(sorted(point.value for point in found)) or "none"
        raise DevStackError(
            f"Sandbox mode needs exactly one {DEV_STACK_GROUP} plugin (found: {names}): install "
            "the stand-ins with `pip install -e ./sandbox` (make run does), or set vendor "
            "credentials to talk to the real vendors.")
    return found[0].load()(sandbox_url.rstrip("/"))


def sandbox_settings(sandbox_url: str) -> dict[str, Any]:
    """Where each vendor host answers and the credentials each stand-in registered (development
    and tests only: these secrets guard nothing). Two stand-ins claiming one origin or one
    setting is a plugin error, not something to settle silently."""
    hosts: dict[str, str] = {}
    handed: dict[str, Any] = {}
    for stand_in in dev_stack(sandbox_url).stand_ins:
        for registered, claims in ((hosts, stand_in.hosts), (handed, stand_in.settings)):
            clash = sorted(set(registered) & set(claims))
            if clash:
                raise DevStackError(f"stand-in {stand_in.name} claims {clash} again")
            registered.update(claims)
    return {"SANDBOX_URL": sandbox_url.rstrip("/"), settings.VENDOR_HOSTS: hosts, **handed}


def combined_app(app: Flask, addon_url: str | None = None):
    if not app.config["SANDBOX_MODE"]:
        return app
    # The Stripe stand-in posts Connect events (payments, deauthorizations) back to the add-on.
    stand_ins = dev_stack(app.config["SANDBOX_URL"]).create_app(
        {"REMIT_ADDON_URL": addon_url or app.config["BASE_URL"]})
    return DispatcherMiddleware(app, {"/sandbox": stand_ins})
