"""Every setting Remit reads, typed, with its default and what it is for.

One table drives parsing, the production checks and the README list (a test compares them),
so a new setting cannot be added without being documented.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

PREFIX = "REMIT_"
ENVIRONMENTS = ("development", "production", "testing")


class SettingsError(RuntimeError):
    """A setting is missing or malformed; the message names it and never echoes its value."""


@dataclass(frozen=True)
class Setting:
    name: str  # without the REMIT_ prefix; also the Flask config key
    kind: type
    default: Any
    help: str
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting("ENV", str, "development", "`development`, `production` or `testing`."),
    Setting("SECRET_KEY", str, None, "Signs sessions, CSRF tokens and OAuth state. "
            "Required in production.", secret=True),
    Setting("ENCRYPTION_KEYS", str, None, "Comma-separated Fernet keys, newest first; encrypts "
            "tokens at rest. Required in production.", secret=True),
    Setting("DATABASE_URL", str, None, "SQLAlchemy URL. Default: SQLite file "
            "`instance/remit.sqlite3`."),
    Setting("REDIS_URL", str, None, "Redis URL for the task queue. Unset: Huey on SQLite."),
    Setting("HUEY_SQLITE_PATH", str, None, "Huey's SQLite file when no Redis is set. "
            "Default: `instance/huey.sqlite3`."),
    Setting("HUEY_IMMEDIATE", bool, False, "Run tasks inline, in memory (unit tests)."),
    Setting("BASE_URL", str, None, "Public URL of the add-on (OAuth redirect URIs, pay links "
            "and manifests are built from it, never from the request). Required in production, "
            "https. Default elsewhere: `http://127.0.0.1:5000`."),
    Setting("SANDBOX_URL", str, None, "Development server only: where the vendor stand-ins "
            "answer in sandbox mode. Default: `<BASE_URL>/sandbox`."),
    Setting("FRAME_ANCESTORS", str, "https://*.intuit.com https://*.xero.com",
            "Space-separated origins allowed to show Remit in a frame (CSP `frame-ancestors`)."),
    Setting("PAY_LINK_DAYS", int, 180, "Days a customer's pay link stays valid."),
    Setting("HTTP_TIMEOUT", float, 20.0, "Seconds before any call to Intuit, Xero or Stripe "
            "gives up."),
    Setting("LOG_LEVEL", str, "INFO", "Python logging level."),
    Setting("QUICKBOOKS_CLIENT_ID", str, None, "Intuit app client id (real mode)."),
    Setting("QUICKBOOKS_CLIENT_SECRET", str, None, "Intuit app client secret.", secret=True),
    Setting("QUICKBOOKS_ENVIRONMENT", str, None, "Intuit environment of the app keys: "
            "`sandbox` (development keys, sandbox companies) or `production`. Default: "
            "`production` in production, `sandbox` elsewhere."),
    Setting("XERO_CLIENT_ID", str, None, "Xero app client id (real mode)."),
    Setting("XERO_CLIENT_SECRET", str, None, "Xero app client secret.", secret=True),
    Setting("STRIPE_CLIENT_ID", str, None, "Stripe Connect platform client id (`ca_…`)."),
    Setting("STRIPE_SECRET_KEY", str, None, "Stripe platform secret key.", secret=True),
    Setting("STRIPE_WEBHOOK_SECRET", str, None, "Signing secret of the Connect webhook "
            "endpoint (`whsec_…`).", secret=True),
)

# Any of these set: the development server talks to the real vendors instead of the sandbox.
VENDOR_CREDENTIALS = ("QUICKBOOKS_CLIENT_ID", "XERO_CLIENT_ID", "STRIPE_CLIENT_ID")
REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "ENCRYPTION_KEYS", "BASE_URL", "STRIPE_CLIENT_ID",
                          "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET")
LEDGER_APPS = (("QUICKBOOKS_CLIENT_ID", "QUICKBOOKS_CLIENT_SECRET"),
               ("XERO_CLIENT_ID", "XERO_CLIENT_SECRET"))
QUICKBOOKS_ENVIRONMENTS = ("sandbox", "production")
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"
# Not a REMIT_* setting: real vendor origin -> local stand-in URL, handed to create_app only by
# the development stack (addon/devserver.py, the tests). Empty means the real vendors.
VENDOR_HOSTS = "VENDOR_HOSTS"


def parse(setting: Setting, raw: str) -> Any:
    """Turn an environment string into the setting's type, or say which setting is wrong."""
    if setting.kind is bool:
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off", ""}:
            return False
        raise SettingsError(f"{PREFIX}{setting.name} must be true or false.")
    if setting.kind in (int, float):
        try:
            return setting.kind(raw)
        except ValueError:
            raise SettingsError(f"{PREFIX}{setting.name} must be a number.") from None
    return raw


def from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Read every known REMIT_* variable; unset ones get their default."""
    environ = os.environ if environ is None else environ
    values = {}
    for setting in SETTINGS:
        raw = environ.get(PREFIX + setting.name)
        values[setting.name] = setting.default if raw in (None, "") else parse(setting, raw)
    return values


def resolve(values: dict[str, Any], instance_path: Path) -> dict[str, Any]:
    """Fill derived defaults and enforce the production rules."""
    if values["ENV"] not in ENVIRONMENTS:
        raise SettingsError(f"{PREFIX}ENV must be one of: {', '.join(ENVIRONMENTS)}.")
    production = values["ENV"] == "production"
    if production:
        _refuse_incomplete_production(values)
    elif not (values.get("SECRET_KEY") and values.get("ENCRYPTION_KEYS")):
        dev = _development_secrets(instance_path)
        values["SECRET_KEY"] = values.get("SECRET_KEY") or dev["secret_key"]
        values["ENCRYPTION_KEYS"] = values.get("ENCRYPTION_KEYS") or dev["encryption_key"]
    values["BASE_URL"] = (values.get("BASE_URL") or DEVELOPMENT_BASE_URL).rstrip("/")
    values["QUICKBOOKS_ENVIRONMENT"] = (values.get("QUICKBOOKS_ENVIRONMENT")
                                        or ("production" if production else "sandbox"))
    if values["QUICKBOOKS_ENVIRONMENT"] not in QUICKBOOKS_ENVIRONMENTS:
        raise SettingsError(f"{PREFIX}QUICKBOOKS_ENVIRONMENT must be `sandbox` or `production`.")
    values["DATABASE_URL"] = _with_driver(
        values["DATABASE_URL"] or f"sqlite:///{instance_path / 'remit.sqlite3'}"
    )
    values["HUEY_SQLITE_PATH"] = values["HUEY_SQLITE_PATH"] or str(instance_path / "huey.sqlite3")
    values["SANDBOX_URL"] = (values["SANDBOX_URL"] or values["BASE_URL"] + "/sandbox").rstrip("/")
    values[VENDOR_HOSTS] = dict(values.get(VENDOR_HOSTS) or {})
    values["SANDBOX_MODE"] = bool(values[VENDOR_HOSTS])
    encryption_keys(values["ENCRYPTION_KEYS"])  # fail now, not at the first token write
    return values


def _refuse_incomplete_production(values: dict[str, Any]) -> None:
    """Production talks to the real vendors only, with every credential it needs: one
    SettingsError naming each missing or wrong setting (never a value)."""
    missing = [PREFIX + name for name in REQUIRED_IN_PRODUCTION if not values.get(name)]
    problems = []
    for pair in LEDGER_APPS:
        if any(values.get(name) for name in pair):
            missing += [PREFIX + name for name in pair if not values.get(name)]
    if not any(all(values.get(name) for name in pair) for pair in LEDGER_APPS):
        problems.append("it needs at least one ledger platform's app credentials ("
                        + ", or ".join(" with ".join(PREFIX + n for n in pair)
                                       for pair in LEDGER_APPS) + ")")
    if values.get("BASE_URL") and not str(values["BASE_URL"]).startswith("https://"):
        problems.append(f"{PREFIX}BASE_URL must be an https:// URL")
    if values.get(VENDOR_HOSTS):
        problems.append("sandbox mode (the vendor stand-ins) is for development only")
    if missing or problems:
        reasons = ([f"missing {', '.join(missing)}"] if missing else []) + problems
        raise SettingsError(
            "Remit will not start in production: " + "; ".join(reasons) + ". "
            "Set them in the environment (see README, Settings)."
        )


def _with_driver(url: str) -> str:
    """`postgresql://` means psycopg 3 here (SQLAlchemy would otherwise look for psycopg2)."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


def encryption_keys(raw: str) -> list[bytes]:
    keys = [part.strip().encode() for part in raw.split(",") if part.strip()]
    if not keys:
        raise SettingsError(f"{PREFIX}ENCRYPTION_KEYS holds no key.")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise SettingsError(
                f"{PREFIX}ENCRYPTION_KEYS key #{position} is not a Fernet key "
                "(32 url-safe base64-encoded bytes)."
            ) from None
    return keys


def _development_secrets(instance_path: Path) -> dict[str, str]:
    """Stable per-checkout keys so `make run` keeps its encrypted tokens across restarts."""
    path = instance_path / "development-secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    instance_path.mkdir(parents=True, exist_ok=True)
    generated = {
        "secret_key": secrets.token_urlsafe(32),
        "encryption_key": Fernet.generate_key().decode(),
    }
    path.write_text(json.dumps(generated))
    path.chmod(0o600)
    return generated
