"""Where each accounting platform answers, and with which app credentials.

URLs are always the vendors' real ones, and credentials always the plain settings. In sandbox
mode the development stack (addon/devserver.py) hands in the stand-ins' credentials and a
VENDOR_HOSTS map that `relocate` moves each URL by, so sign-in, refresh and API calls follow one
code path in both modes and nothing here knows the sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from addon import platforms
from connectors.base import OAuthClient
from connectors.platform import LedgerPlatform


class PlatformNotConfigured(RuntimeError):
    """Real mode without this platform's app credentials: the platform cannot be offered."""


@dataclass(frozen=True)
class Vendor:
    platform: LedgerPlatform
    client: OAuthClient
    discovery_url: str
    api_base: str
    scope: str
    use_pkce: bool
    token_request_headers: dict[str, str]  # sent with the code exchange


def vendor(key: str) -> Vendor:
    descriptor = platforms.get(key)
    config = current_app.config
    credentials = _credentials(descriptor)
    urls = descriptor.endpoints(config)
    return Vendor(
        platform=descriptor,
        client=OAuthClient(*credentials, token_url=located(urls.token),
                           revoke_url=located(urls.revoke)),
        discovery_url=located(urls.discovery),
        api_base=located(urls.api),
        scope=descriptor.scope,
        use_pkce=descriptor.use_pkce,
        token_request_headers=dict(descriptor.token_request_headers),
    )


def available_platforms() -> list[LedgerPlatform]:
    return [p for p in platforms.registered().values() if p.configured(current_app.config)]


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


def _credentials(descriptor: LedgerPlatform) -> tuple[str, str]:
    if not descriptor.configured(current_app.config):
        names = " and ".join(f"REMIT_{s.name}" for s in descriptor.settings if s.required)
        raise PlatformNotConfigured(f"{descriptor.key} is not configured: set {names}.")
    return descriptor.credentials(current_app.config)
