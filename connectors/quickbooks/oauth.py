"""Intuit's token and revocation endpoints for one app registration (connectors.base.OAuthClient).

Refresh goes through Authlib's requests OAuth2Session with HTTP Basic client authentication (as
every Intuit SDK does) and the header that makes Intuit report the refresh token's five-year hard
expiry; intuit-oauth never sends it (reference §1.4). Revoke sends a JSON body, which Authlib's
RFC 7009 form encoding is not (§1.5). Nothing here refreshes on its own: connectors call refresh()
through their TokenKeeper, so a rotated refresh token is always stored before it is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.client import DEFAULT_HEADERS

from connectors.base import (
    AuthError,
    ConnectorError,
    OAuthClient,
    RateLimited,
    Rejected,
    TokenSet,
    VendorUnavailable,
)
from connectors.quickbooks.transport import CallPolicyMixin, retry_after

HARD_EXPIRY_HEADER = "x-include-refresh-token-hard-expires-in"


class TokenSession(CallPolicyMixin, OAuth2Session):
    """Authlib's session with Remit's transport rules; it holds no token, so it never
    refreshes behind anyone's back."""

    def __init__(self, client: OAuthClient, timeout: float) -> None:
        super().__init__(client.client_id, client.client_secret,
                         token_endpoint_auth_method="client_secret_basic")  # noqa: S106
        self._apply_call_policy(timeout)


def token_set(token: Mapping, now: datetime | None = None) -> TokenSet:
    """Intuit's token response (as Authlib returns it, with or without its `expires_at`) ->
    TokenSet. Relative lifetimes count from `now`, the moment the response arrived."""
    now = now or datetime.now(UTC)
    if not token.get("access_token") or not token.get("refresh_token"):
        raise VendorUnavailable("Intuit's token response carries no access or refresh token.")
    if token.get("expires_at") is not None:
        expires_at = datetime.fromtimestamp(int(token["expires_at"]), UTC)
    elif token.get("expires_in") is not None:
        expires_at = now + timedelta(seconds=int(token["expires_in"]))
    else:
        raise VendorUnavailable("Intuit's token response does not say when it expires.")
    scope = token.get("scope") or ""
    return TokenSet(
        access_token=token["access_token"],
        refresh_token=token["refresh_token"],
        expires_at=expires_at,
        refresh_expires_at=_after(now, token.get("x_refresh_token_expires_in")),
        refresh_hard_expires_at=_after(now, token.get("x_refresh_token_hard_expires_in")),
        scope=scope if isinstance(scope, str) else " ".join(scope),
    )


def refresh(client: OAuthClient, refresh_token: str, timeout: float) -> TokenSet:
    """Exchange a refresh token at Intuit. The answer's refresh token may differ from the one
    sent (rotation): store it before anything else. invalid_grant -> AuthError."""
    session = TokenSession(client, timeout)
    headers = {**DEFAULT_HEADERS, HARD_EXPIRY_HEADER: "true"}
    try:
        token = session.refresh_token(client.token_url, refresh_token=refresh_token,
                                      headers=headers)
    except (OAuthError, requests.RequestException, ValueError) as failure:
        raise _token_error(failure, session.last_response) from None
    finally:
        session.close()
    return token_set(token)


def revoke(client: OAuthClient, token: str, timeout: float) -> None:
    """Revoke a refresh (or access) token, ending the whole connection at Intuit. A token Intuit
    no longer accepts (HTTP 400) is AuthError: the connection has already ended."""
    try:
        response = requests.post(client.revoke_url, json={"token": token},
                                 auth=(client.client_id, client.client_secret),
                                 headers={"Accept": "application/json"}, timeout=timeout)
    except requests.RequestException as failure:
        raise VendorUnavailable(f"Intuit did not answer: {type(failure).__name__}.") from None
    if response.status_code == 200:
        return
    if response.status_code == 400:
        raise AuthError("Intuit no longer accepts this token (HTTP 400): already disconnected.")
    raise _status_error("revocation", response) or Rejected(
        f"Intuit refused the revocation (HTTP {response.status_code}).", _error_code(response))


def _token_error(failure: Exception, response: requests.Response | None) -> ConnectorError:
    """Transport failures and 5xx are transient; invalid_grant means reconnect; any other OAuth
    error (invalid_client, ...) is a refusal a retry will not change."""
    if response is None:
        return VendorUnavailable(f"Intuit did not answer: {type(failure).__name__}.")
    known = _status_error("token refresh", response)
    if known is not None:
        return known
    error = getattr(failure, "error", None) or _error_code(response)
    if error == "invalid_grant":
        return AuthError("Intuit refused the refresh token (invalid_grant): reconnect needed.")
    if not error:
        return VendorUnavailable(f"Intuit's token endpoint answered HTTP "
                                 f"{response.status_code} without an OAuth error.")
    return Rejected(f"Intuit's token endpoint refused the request "
                    f"(HTTP {response.status_code}, {error}).", error)


def _status_error(what: str, response: requests.Response) -> ConnectorError | None:
    status = response.status_code
    if status == 429:
        return RateLimited(f"Intuit throttled the {what} (HTTP 429).", retry_after(response))
    if status >= 500:
        return VendorUnavailable(f"Intuit's {what} failed (HTTP {status}).")
    return None


def _error_code(response: requests.Response) -> str:
    """The OAuth `error` code of a JSON error body; never the description, never a token."""
    try:
        body = response.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, str) else ""


def _after(now: datetime, seconds: object) -> datetime | None:
    return now + timedelta(seconds=int(seconds)) if seconds is not None else None
