"""Every setting Remit reads, typed, with its default and what it is for.

The core settings are declared here; each ledger and gateway plugin declares its own next to its
descriptor (connectors/*/platform.py, gateways/*/settings.py). One table built from all of them
drives parsing, the production checks and README's list (`python -m scripts.settings_table`
writes it; a test compares them), so no setting can go undocumented.
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
LOG_FORMATS = ("json", "text")


class SettingsError(RuntimeError):
    """A setting is missing or malformed; the message names it and never echoes its value."""


@dataclass(frozen=True)
class Setting:
    name: str  # without the REMIT_ prefix; also the Flask config key
    kind: type
    default: Any
    help: str
    secret: bool = False
    required: bool = False  # production does not start without it


CORE: tuple[Setting, ...] = (
    Setting("ENV", str, "development", "`development`, `production` or `testing`."),
    Setting("SECRET_KEY", str, None, "Signs sessions, CSRF tokens and OAuth state. "
            "Required in production.", secret=True, required=True),
    Setting("ENCRYPTION_KEYS", str, None, "Comma-separated Fernet keys, newest first; encrypts "
            "tokens at rest. Required in production.", secret=True, required=True),
    Setting("DATABASE_URL", str, None, "SQLAlchemy URL. Default: SQLite file "
            "`instance/remit.sqlite3`. `postgresql://…` uses psycopg 3."),
    Setting("REDIS_URL", str, None, "Redis URL for the task queue. Unset: Huey on SQLite."),
    Setting("HUEY_SQLITE_PATH", str, None, "Huey's SQLite file when no Redis is set. "
            "Default: `instance/huey.sqlite3`."),
    Setting("HUEY_IMMEDIATE", bool, False, "Run tasks inline, in memory (unit tests)."),
    Setting("BASE_URL", str, None, "Public URL of the add-on (OAuth redirect URIs, pay links "
            "and manifests are built from it, never from the request). Required in production, "
            "https. Default elsewhere: `http://127.0.0.1:5000`.", required=True),
    Setting("SANDBOX_URL", str, None, "Development server only: where the vendor stand-ins "
            "answer in sandbox mode. Default: `<BASE_URL>/sandbox`."),
    Setting("FRAME_ANCESTORS", str, None,
            "Space-separated origins allowed to show Remit in a frame (CSP `frame-ancestors`). "
            "Default: each registered ledger's web app (`https://*.intuit.com`, "
            "`https://*.xero.com`)."),
    Setting("PAY_LINK_DAYS", int, 180, "Days a customer's pay link stays valid."),
    Setting("HTTP_TIMEOUT", float, 20.0, "Seconds before any call to Intuit, Xero or Stripe "
            "gives up."),
    Setting("LOG_LEVEL", str, "INFO", "Python logging level."),
    Setting("LOG_FORMAT", str, None, "`json` (one object a line, with the request id) or "
            "`text`. Default: `json` in production, `text` elsewhere."),
)

DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"
# Not a REMIT_* setting: real vendor origin -> local stand-in URL, handed to create_app only by
# the development stack (addon/devserver.py, the tests). Empty means the real vendors.
VENDOR_HOSTS = "VENDOR_HOSTS"


def ledgers() -> list:
    """Every registered ledger descriptor (imported late: the registry loads the plugins)."""
    from addon import platforms

    return list(platforms.registered().values())


def gateway_settings() -> tuple:
    from addon.gateways.registry import KINDS

    return tuple(setting for kind in KINDS.values() for setting in kind.settings)


def all_settings() -> tuple:
    """The core settings, then each ledger's, then each gateway's (README's order)."""
    return (CORE + tuple(s for ledger in ledgers() for s in ledger.settings)
            + gateway_settings())


def vendor_credentials() -> tuple[str, ...]:
    """Any of these set: the development server talks to the real vendors instead of the
    sandbox. Each plugin's required settings that are not secrets (its client ids)."""
    plugin_settings = all_settings()[len(CORE):]
    return tuple(s.name for s in plugin_settings if s.required and not s.secret)


def __getattr__(name: str) -> Any:
    """SETTINGS and VENDOR_CREDENTIALS, built on first use from the registered plugins."""
    if name == "SETTINGS":
        return all_settings()
    if name == "VENDOR_CREDENTIALS":
        return vendor_credentials()
    raise AttributeError(name)


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
    for setting in all_settings():
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
    for ledger in ledgers():
        if ledger.resolve_settings is not None:
            try:
                ledger.resolve_settings(values, production)
            except ValueError as wrong:
                raise SettingsError(f"{PREFIX}{wrong}") from None
    values["DATABASE_URL"] = _with_driver(
        values["DATABASE_URL"] or f"sqlite:///{instance_path / 'remit.sqlite3'}"
    )
    values["HUEY_SQLITE_PATH"] = values["HUEY_SQLITE_PATH"] or str(instance_path / "huey.sqlite3")
    values["SANDBOX_URL"] = (values["SANDBOX_URL"] or values["BASE_URL"] + "/sandbox").rstrip("/")
    values[VENDOR_HOSTS] = dict(values.get(VENDOR_HOSTS) or {})
    values["SANDBOX_MODE"] = bool(values[VENDOR_HOSTS])
    values["LOG_FORMAT"] = values.get("LOG_FORMAT") or ("json" if production else "text")
    if values["LOG_FORMAT"] not in LOG_FORMATS:
        raise SettingsError(f"{PREFIX}LOG_FORMAT must be one of: {', '.join(LOG_FORMATS)}.")
    encryption_keys(values["ENCRYPTION_KEYS"])  # fail now, not at the first token write
    return values


def _refuse_incomplete_production(values: dict[str, Any]) -> None:
    """Production talks to the real vendors only, with every credential it needs: one
    SettingsError naming each missing or wrong setting (never a value)."""
    required = [s.name for s in CORE + gateway_settings() if s.required]
    missing = [PREFIX + name for name in required if not values.get(name)]
    problems = []
    apps = [[s.name for s in ledger.settings if s.required] for ledger in ledgers()]
    for names in apps:  # a ledger half set up is a mistake, whichever others are complete
        if any(values.get(name) for name in names):
            missing += [PREFIX + name for name in names if not values.get(name)]
    if not any(all(values.get(name) for name in names) for names in apps):
        problems.append("it needs at least one ledger platform's app credentials ("
                        + ", or ".join(" with ".join(PREFIX + n for n in names)
                                       for names in apps) + ")")
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
