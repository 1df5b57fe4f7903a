"""Local stand-ins for Intuit, Xero and Stripe, speaking their wire protocols.

In sandbox mode the add-on's base URLs point here; the add-on code path is the one used against
the real vendors. Each vendor is one blueprint, mounted under its own prefix.
"""

from __future__ import annotations

from flask import Flask, render_template

VENDOR_BLUEPRINTS = (
    # (module, url prefix)
    ("sandbox.quickbooks", "/quickbooks"),
)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY="sandbox-only-not-a-secret",  # the stand-ins guard nothing real
        SESSION_COOKIE_NAME="remit_sandbox_session",
    )
    app.config.update(config or {})
    for module_name, prefix in VENDOR_BLUEPRINTS:
        module = __import__(module_name, fromlist=["bp"])
        app.register_blueprint(module.bp, url_prefix=prefix)

    @app.get("/")
    def index():
        return render_template("sandbox/index.html", vendors=[p for _, p in VENDOR_BLUEPRINTS])

    return app
