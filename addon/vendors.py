"""Where each accounting platform answers, and with which app credentials.

URLs are always the vendors' real ones, and credentials always the plain settings. In sandbox
mode the development stack (addon/devserver.py) hands in the stand-ins' credentials and a
VENDOR_HOSTS map that `relocate` moves each URL by, so sign-in, refresh and API calls follow one
code path in both modes and nothing here knows the sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from addon.models import Platform
from connectors.base import OAuthClient
from connectors.quickbooks import oauth as quickbooks_oauth

INTUIT_DISCOVERY = {
    "sandbox": "https://developer.api.intuit.com/.well-known/openid_sandbox_configuration",
    "production": "https://developer.api.intuit.com/.well-known/openid_configuration",
}
QUICKBOOKS_API = {
    "sandbox": "https://sandbox-quickbooks.api.intuit.com/v3",
    "production": "https://quickbooks.api.intuit.com/v3",
}
SCOPES = {
    Platform.QUICKBOOKS: "com.intuit.quickbooks.accounting openid profile email",
    # Granular scopes: Xero apps created after 2 March 2026 may not ask for the broad ones.
    Platform.XERO: (
        "openid profile email offline_access accounting.settings.read accounting.invoices "
        "accounting.payments accounting.banktransactions accounting.contacts.read"
    ),
}


class PlatformNotConfigured(RuntimeError):
    """Real mode without this platform's app credentials: the platform cannot be offered."""


@dataclass(frozen=True)
class Vendor:
    platform: Platform
    client: OAuthClient
    discovery_url: str
    api_base: str
    scope: str
    use_pkce: bool
    token_request_headers: dict[str, str]  # sent with the code exchange


def vendor(platform: Platform) -> Vendor:
    config = current_app.config
    credentials = _credentials(platform)
    if platform is Platform.QUICKBOOKS:
        environment = config["QUICKBOOKS_ENVIRONMENT"]
        urls = {
            "token": "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",
            "revoke": "https://developer.api.intuit.com/v2/oauth2/tokens/revoke",
            "discovery": INTUIT_DISCOVERY[environment],
            "api": QUICKBOOKS_API[environment],
        }
    else:
        urls = {
            "token": "https://identity.xero.com/connect/token",
            "revoke": "https://identity.xero.com/connect/revocation",
            "discovery": "https://identity.xero.com/.well-known/openid-configuration",
            "api": "https://api.xero.com",
        }
    urls = {name: located(url) for name, url in urls.items()}
    return Vendor(
        platform=platform,
        client=OAuthClient(*credentials, token_url=urls["token"], revoke_url=urls["revoke"]),
        discovery_url=urls["discovery"],
        api_base=urls["api"],
        scope=SCOPES[platform],
        use_pkce=platform is Platform.XERO,  # Intuit does not document PKCE support
        # Intuit reports the refresh token's 5-year hard expiry only when asked.
        token_request_headers=(
            {quickbooks_oauth.HARD_EXPIRY_HEADER: "true"}
            if platform is Platform.QUICKBOOKS else {}
        ),
    )


def available_platforms() -> list[Platform]:
    return [p for p in Platform if _configured(p)]


def located(url: str) -> str:
    """The real URL, or its stand-in when the development stack handed some in."""
    return relocate(url, current_app.config["VENDOR_HOSTS"])


def relocate(url: str, hosts: dict[str, str]) -> str:
    """`url` with its real origin swapped for the one `hosts` maps it to; unchanged when
    `hosts` is empty. A vendor URL with no stand-in is an error, never a call to the real one."""
    if not hosts:
        return url
    for origin, target in hosts.items():
        if url == origin or url.startswith(origin + "/"):
            return target.rstrip("/") + url[len(origin):]
    raise ValueError(f"No stand-in for {url}")


def _configured(platform: Platform) -> bool:
    prefix = platform.value.upper()
    config = current_app.config
    return bool(config.get(f"{prefix}_CLIENT_ID") and config.get(f"{prefix}_CLIENT_SECRET"))


def _credentials(platform: Platform) -> tuple[str, str]:
    if not _configured(platform):
        raise PlatformNotConfigured(
            f"{platform.value} is not configured: set REMIT_{platform.value.upper()}_CLIENT_ID "
            f"and REMIT_{platform.value.upper()}_CLIENT_SECRET."
        )
    prefix = platform.value.upper()
    return current_app.config[f"{prefix}_CLIENT_ID"], current_app.config[f"{prefix}_CLIENT_SECRET"]
