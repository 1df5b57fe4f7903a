"""Xero's token endpoint through Authlib: turn Authlib's token dict into a TokenSet, refresh a
grant, revoke it. The only place Remit refreshes Xero tokens (connectors call `refresh` through
their TokenKeeper, so a rotated refresh token is persisted before it is used).

Xero rotates refresh tokens on every refresh (the old one lives 30 minutes more) and answers
`{"error":"invalid_grant"}` once a grant is revoked or its refresh token expired (reference
§1.2, §3.2): that becomes AuthError, which makes the keeper mark the connection for reconnect.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import requests
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from requests.adapters import HTTPAdapter

from connectors import calls
from connectors.base import (
    AuthError,
    ConnectorError,
    OAuthClient,
    RateLimited,
    Rejected,
    TokenSet,
    VendorUnavailable,
)
from connectors.xero import transport
from connectors.xero.const import REFRESH_TOKEN_LIFETIME


def token_set(token: Mapping) -> TokenSet:
    """Authlib's token dict (authorize_access_token or refresh) -> TokenSet. Without
    offline_access Xero issues no refresh token, and Remit cannot keep a connection alive."""
    if not token.get("refresh_token"):
        raise AuthError("Xero issued no refresh token: the offline_access scope is missing.")
    now = datetime.now(UTC)
    scope = token.get("scope") or ""
    return TokenSet(
        access_token=token["access_token"],
        refresh_token=token["refresh_token"],
        expires_at=_access_expiry(token, now),
        refresh_expires_at=now + REFRESH_TOKEN_LIFETIME,
        scope=scope if isinstance(scope, str) else " ".join(scope),
    )


def refresh(client: OAuthClient, refresh_token: str, timeout: float) -> TokenSet:
    """Exchange a refresh token for new tokens (HTTP Basic client authentication)."""
    with _session(client) as session:
        try:
            token = session.refresh_token(client.token_url, refresh_token=refresh_token,
                                          timeout=timeout)
        except OAuthError as exc:
            raise _refused(exc.error, exc.description) from None
        except (requests.RequestException, ValueError) as exc:
            raise _transport_failure(exc) from None
    return token_set(token)


def revoke(client: OAuthClient, refresh_token: str, timeout: float) -> None:
    """End the grant at Xero; Xero also removes every connection the user gave the app."""
    with _session(client) as session:
        try:
            response = session.revoke_token(client.revoke_url, token=refresh_token,
                                            timeout=timeout)
        except requests.RequestException as exc:
            raise _transport_failure(exc) from None
    if response.status_code != 200:
        raise _answer_failure(response)


class _ObservedSession(OAuth2Session):
    """A token refresh is a call on the company's budget like any other."""

    def request(self, method, url, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.calling()
        response = super().request(method, url, *args, **kwargs)
        calls.answered(transport.answer(response.status_code, response.headers.get))
        return response


def _session(client: OAuthClient) -> OAuth2Session:
    basic = "client_secret_basic"  # HTTP Basic; Xero takes it as well as the form body
    session = _ObservedSession(client.client_id, client.client_secret,
                            token_endpoint_auth_method=basic,
                            revocation_endpoint_auth_method=basic)
    adapter = HTTPAdapter(max_retries=0)  # retries belong to the job runner
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def _access_expiry(token: Mapping, now: datetime) -> datetime:
    if token.get("expires_at"):
        return datetime.fromtimestamp(float(token["expires_at"]), UTC)
    return now + timedelta(seconds=float(token.get("expires_in") or 0))


def _refused(error: str | None, description: str | None) -> ConnectorError:
    if error == "invalid_grant":
        return AuthError("Xero refused the refresh token (invalid_grant): reconnect needed.")
    return Rejected(f"Xero's token endpoint refused the request ({error}).", description or "")


def _transport_failure(exc: Exception) -> ConnectorError:
    response = getattr(exc, "response", None)
    if isinstance(response, requests.Response):
        return _answer_failure(response)
    return VendorUnavailable(f"Xero's identity service did not answer: {type(exc).__name__}.")


def _answer_failure(response: requests.Response) -> ConnectorError:
    """A non-success answer that Authlib did not turn into an OAuthError."""
    status = response.status_code
    if status == 429:
        return RateLimited("Xero's identity service throttled us (HTTP 429).",
                           _retry_after(response))
    if status >= 500:
        return VendorUnavailable(f"Xero's identity service is unavailable (HTTP {status}).")
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        error = None
    if error:
        return _refused(error, None)
    return Rejected(f"Xero's identity service refused the request (HTTP {status}).")


def _retry_after(response: requests.Response) -> float | None:
    try:
        return max(0.0, float(response.headers["Retry-After"]))
    except (KeyError, ValueError):
        return None
