"""Local stand-ins for Intuit, Xero and Stripe, speaking their wire protocols.

In sandbox mode the add-on's base URLs point here (sandbox/hosts.py maps each real vendor host
to a path below the sandbox root); the add-on code path is the one used against the real
vendors. Each vendor is one blueprint mounted under its own prefix, with a `reset()` that puts
its seed data and OAuth state back, for tests.
"""

from __future__ import annotations

from importlib import import_module

from flask import Flask, render_template

VENDORS = (
    # (module, url prefix, name shown on the sandbox page)
    ("sandbox.quickbooks", "/quickbooks", "Intuit QuickBooks Online"),
    ("sandbox.xero", "/xero", "Xero"),
    ("sandbox.stripe", "/stripe", "Stripe"),
)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY="sandbox-only-not-a-secret",  # the stand-ins guard nothing real
        SESSION_COOKIE_NAME="remit_sandbox_session",
    )
    app.config.update(config or {})
    for module_name, prefix, _ in VENDORS:
        app.register_blueprint(import_module(module_name).bp, url_prefix=prefix)

    @app.after_request
    def refuse_framing(response):
        """Intuit's, Xero's and Stripe's sign-in, consent and checkout pages refuse to be shown
        in a frame (clickjacking); so do their stand-ins, so a Remit running inside QuickBooks
        or Xero must open them in a window of their own, as it must with the real vendors."""
        if response.mimetype == "text/html":
            response.headers.setdefault("X-Frame-Options", "DENY")
            response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
        return response

    @app.get("/")
    def index():
        vendors = [(prefix, name) for _, prefix, name in VENDORS]
        return render_template("sandbox/index.html", vendors=vendors)

    return app


def reset() -> None:
    """Every stand-in back to its seed data, with no codes or tokens issued."""
    for module_name, _, _ in VENDORS:
        import_module(module_name).reset()
