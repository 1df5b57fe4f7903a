"""Remit: the Flask add-on that records Stripe payments in QuickBooks Online and Xero."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, g, session
from flask_babel import get_locale

from addon import database, settings
from addon.cookie_session import CachedSerializerSessionInterface
from addon.crypto import EXTENSION_KEY, build_keyring
from addon.extensions import babel, csrf, db, migrate
from addon.i18n import LANGUAGE_NAMES, LANGUAGES, select_locale
from addon.queue import INSTANCE_PATH, huey

PACKAGE_DIR = Path(__file__).resolve().parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the add-on. `config` overrides REMIT_* settings by their unprefixed names."""
    app = Flask(__name__, instance_path=str(INSTANCE_PATH))
    values = settings.from_environment()
    values.update(config or {})
    values = settings.resolve(values, Path(app.instance_path))
    app.config.update(values)
    app.config.update(
        TESTING=values["ENV"] == "testing",
        SQLALCHEMY_DATABASE_URI=values["DATABASE_URL"],
        SQLALCHEMY_ENGINE_OPTIONS={},  # disconnects: addon/database.py
        BABEL_DEFAULT_LOCALE=LANGUAGES[0],
        BABEL_TRANSLATION_DIRECTORIES=str(PACKAGE_DIR / "translations"),
        SESSION_COOKIE_HTTPONLY=True,
        # Inside the QuickBooks or Xero web app Remit is a third-party frame: its cookie must be
        # SameSite=None (which browsers accept only with Secure, i.e. over https).
        SESSION_COOKIE_SECURE=values["ENV"] == "production",
        SESSION_COOKIE_SAMESITE="None" if values["ENV"] == "production" else "Lax",
        WTF_CSRF_ENABLED=values.get("WTF_CSRF_ENABLED", True),
    )
    app.session_interface = CachedSerializerSessionInterface()
    db.init_app(app)
    with app.app_context():
        database.tune(db.engine)
    migrate.init_app(app, db, directory=str(PACKAGE_DIR / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    keys = settings.encryption_keys(values["ENCRYPTION_KEYS"])
    app.extensions[EXTENSION_KEY] = build_keyring(keys)
    if values["HUEY_IMMEDIATE"]:
        huey.immediate = True

    from addon import ops

    ops.init_app(app)
    _register_blueprints(app)
    _register_request_hooks(app)
    from addon.auth import expiry
    from addon.errors import register_error_pages

    register_error_pages(app)
    expiry.init_app(app)

    from addon.cli import remit_cli

    app.cli.add_command(remit_cli)
    return app


def _register_blueprints(app: Flask) -> None:
    from addon.activity import remedies  # noqa: F401  (attach routes)
    from addon.activity.views import bp as activity_bp
    from addon.auth.clients import init_app as init_oauth
    from addon.auth.views import bp as auth_bp
    from addon.gateways import configure, connect, views  # noqa: F401  (attach routes)
    from addon.gateways.blueprint import bp as gateways_bp
    from addon.home.views import bp as home_bp
    from addon.pay.views import bp as pay_bp
    from addon.paylinks.views import bp as paylinks_bp
    from addon.reconcile.views import bp as reconcile_bp
    from addon.webhooks.views import bp as webhooks_bp

    init_oauth(app)
    for blueprint in (home_bp, auth_bp, gateways_bp, webhooks_bp, pay_bp, activity_bp,
                      reconcile_bp, paylinks_bp):
        app.register_blueprint(blueprint)


def _register_request_hooks(app: Flask) -> None:
    from addon.models import User

    @app.before_request
    def load_user() -> None:
        user_id = session.get("user_id")
        g.user = db.session.get(User, user_id) if user_id else None

    @app.template_filter("money")
    def money_filter(amount, currency: str) -> str:
        """An amount as the page's locale writes it, then its currency: `1,234.50 USD`,
        `1 234,50 USD` in French, `36,000 JPY`."""
        from addon.money import format_amount

        return f"{format_amount(amount, currency, str(get_locale() or 'en'))} {currency}"

    @app.context_processor
    def page_context() -> dict[str, Any]:
        return {
            "sandbox_mode": app.config["SANDBOX_MODE"],
            "current_language": str(get_locale()),
            "language_names": LANGUAGE_NAMES,
        }

    policy = content_security_policy(app)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        return response


def content_security_policy(app: Flask) -> str:
    """Only Remit's own files run or load; forms go to Remit or the plugins' pages (each
    ledger's consent pages, each gateway's connect and checkout pages: browsers check
    `form-action` on every redirect of a submission, and it does not fall back on
    `default-src`), moved onto the stand-ins in sandbox mode; only the ledgers' web apps
    (or REMIT_FRAME_ANCESTORS) may frame it."""
    from addon import platforms
    from addon.gateways.registry import KINDS
    from addon.vendors import relocate

    def origin(url: str) -> str:
        parts = urlsplit(relocate(url, app.config["VENDOR_HOSTS"]))
        return f"{parts.scheme}://{parts.netloc}"

    ledgers = platforms.registered().values()
    destinations = [*(url for ledger in ledgers for url in ledger.page_origins),
                    *(url for gateway in KINDS.values() for url in gateway.page_origins)]
    form_action = dict.fromkeys(["'self'", *(origin(url) for url in destinations)])
    framers = (app.config["FRAME_ANCESTORS"] or "").split() or [
        url for ledger in ledgers for url in ledger.frame_origins]
    frame_ancestors = ["'self'", *framers]
    return "; ".join([
        "default-src 'self'",
        "base-uri 'self'",
        "object-src 'none'",
        "form-action " + " ".join(form_action),
        "frame-ancestors " + " ".join(frame_ancestors),
    ])
