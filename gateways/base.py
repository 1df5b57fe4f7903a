"""The gateway contract: typed records, errors and the provider protocol every payment gateway
implements, so the add-on connects, inspects and disconnects a gateway without knowing which
one it is. No Flask, no ORM and no vendor SDK here (ARCHITECTURE.md § Layers).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

Landing = Literal["login", "register"]


@dataclass(frozen=True)
class ConnectedAccount:
    """What one successful authorization-code exchange yields. `credentials` (tokens, the
    publishable key) must be stored encrypted, so repr() never shows them."""

    account_id: str
    livemode: bool
    scope: str
    credentials: dict[str, str]

    def __repr__(self) -> str:
        return (f"ConnectedAccount(account_id={self.account_id!r}, livemode={self.livemode!r}, "
                f"scope={self.scope!r}, credentials=<{len(self.credentials)} hidden>)")

    __str__ = __repr__


@dataclass(frozen=True)
class AccountProfile:
    """The connected account as the settings page shows it and the currency picker filters by.
    Currencies are ISO 4217 codes in upper case, sorted."""

    account_id: str
    display_name: str
    country: str
    default_currency: str
    currencies: tuple[str, ...]  # those the account can accept payments in
    livemode: bool
    email: str | None = None


class GatewayError(Exception):
    """A gateway call failed. Messages are for logs and the activity page: never put a key,
    token, authorization code or Authorization header in one."""


class GatewayAuthError(GatewayError):
    """The gateway refused the platform's credentials, or the account is no longer connected
    (deauthorized, revoked): reconnect; retrying unchanged will not help."""


class GatewayRateLimited(GatewayError):
    """Throttled; retry after `retry_after` seconds (None: the gateway did not say)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class GatewayUnavailable(GatewayError):
    """Timeout, connection failure, 5xx or an unreadable answer: transient, retry later."""


class GatewayRejected(GatewayError):
    """The gateway understood the request and said no (unknown object, bad parameter): show
    `detail`; retrying unchanged fails the same way."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


class ConnectRefused(GatewayError):
    """The connect flow ended without a connection: the user denied it (`access_denied`) or the
    gateway refused the code (`invalid_grant`: expired, already used, unknown), ... `code` is
    the OAuth error code to branch on; `description` is the gateway's text, safe to show."""

    def __init__(self, code: str, description: str = "") -> None:
        super().__init__(f"Connection refused: {code}")
        self.code, self.description = code, description


class WebhookRejected(Exception):
    """An incoming event failed verification; refuse it (HTTP 400). `reason` is safe to log:
    it never holds the secret or the signature."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def authorization_code(callback: Mapping[str, str]) -> str:
    """The code from the redirect back from the authorize page (RFC 6749 §4.1.2), or
    ConnectRefused with the error it carries. The caller checks `state` first."""
    error = callback.get("error")
    if error:
        raise ConnectRefused(error, callback.get("error_description", ""))
    code = callback.get("code")
    if not code:
        raise ConnectRefused("invalid_request", "The redirect carried neither a code nor an "
                                                "error.")
    return code


class GatewayProvider(Protocol):
    """One payment gateway as the add-on uses it. Every method calling the gateway may raise
    GatewayError (or ConnectRefused during the connect flow)."""

    kind: str  # registry key, e.g. "stripe"
    display_name: str

    def authorize_url(self, *, redirect_uri: str, state: str, landing: Landing,
                      prefill: Mapping[str, str]) -> str:
        """Where to send the browser to connect an account; `landing` opens the sign-in
        ("login") or sign-up ("register") page first; `prefill` suggests the new account's
        details (empty values are dropped)."""
        ...

    def exchange_code(self, code: str) -> ConnectedAccount:
        """Exactly one HTTP attempt: a code used twice makes the gateway revoke the
        connection it created."""
        ...

    def account_profile(self, account_id: str) -> AccountProfile: ...

    def deauthorize(self, account_id: str) -> None:
        """Disconnect the account from the platform (GatewayAuthError: it already was)."""
        ...

    def verify_event(self, payload: bytes, signature_header: str | None, secret: str | None,
                     tolerance: int = 300) -> dict:
        """The event as a dict once its signature and age check out, else WebhookRejected."""
        ...
