"""An in-memory OAuth 2.0 authorization server shared by the Intuit and Xero stand-ins.

It behaves like the real ones where Remit's correctness depends on it: single-use codes bound to
the redirect URI (and PKCE challenge), expiring access tokens, refresh tokens that rotate (the old
one dies after a grace period), revocation, and `invalid_grant` for anything stale. Controls let
tests expire an access token or revoke a grant to exercise Remit's recovery paths.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# The app registration every stand-in accepts; the add-on uses it in sandbox mode.
SANDBOX_CLIENT_ID = "remit-sandbox-client"
SANDBOX_CLIENT_SECRET = "remit-sandbox-secret"  # published on purpose: guards nothing

# What every code and token the stand-ins issue looks like (`<prefix>-code-…`, `-at-`, `-rt-`), so
# a test can prove none was recorded into a cassette.
# Xero's access tokens are JWTs (three base64url parts): the second alternative.
ISSUED_TOKEN = re.compile(r"[\w-]+-(?:code|at|rt)-[\w-]{20,}"
                          r"|eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{20,}")


class OAuthError(Exception):
    """Answered to the client as `{"error": code, "error_description": description}`."""

    def __init__(self, code: str, description: str, status: int = 400):
        super().__init__(code)
        self.code, self.description, self.status = code, description, status

    def body(self) -> dict:
        return {"error": self.code, "error_description": self.description}


@dataclass
class Grant:
    """What the user consented to: who, for which client, which scopes, plus vendor extras."""

    client_id: str
    subject: str
    scope: str
    extra: dict = field(default_factory=dict)  # realmId, authorised tenants, user profile…
    revoked: bool = False


@dataclass
class _Code:
    grant: Grant
    redirect_uri: str
    nonce: str | None
    code_challenge: str | None
    expires_at: float


@dataclass
class _Refresh:
    grant: Grant
    expires_at: float  # rolling lifetime: each refresh issues a new token with a full one
    dies_at: float | None = None  # set when rotated: the old token lives on for a grace period


class AuthorizationServer:
    """Lifetimes are in seconds and may be changed on a live server (tests shorten the rotation
    grace); `clock` (seconds since the epoch) may be replaced to move time forward in tests."""

    def __init__(self, prefix: str, access_ttl: int, refresh_ttl: int, rotation_grace: int,
                 clock: Callable[[], float] = time.time,
                 access_format: Callable[[Grant, str, float], str] | None = None):
        self.prefix = prefix
        # What the access token looks like on the wire, from the grant, an opaque random id and
        # its expiry (Xero sends a signed JWT); None: the opaque id itself.
        self.access_format = access_format
        self.access_ttl = access_ttl
        self.refresh_ttl = refresh_ttl
        self.rotation_grace = rotation_grace
        self.clock = clock
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._codes: dict[str, _Code] = {}
            self._access: dict[str, tuple[Grant, float]] = {}
            self._refresh: dict[str, _Refresh] = {}

    # -- authorization code -------------------------------------------------------------
    def issue_code(self, grant: Grant, redirect_uri: str, nonce: str | None,
                   code_challenge: str | None) -> str:
        code = f"{self.prefix}-code-{secrets.token_urlsafe(18)}"
        expires_at = self.clock() + 300
        with self._lock:
            self._codes[code] = _Code(grant, redirect_uri, nonce, code_challenge, expires_at)
        return code

    def exchange_code(self, client_id: str, code: str, redirect_uri: str,
                      code_verifier: str | None) -> tuple[Grant, str | None, dict]:
        with self._lock:
            issued = self._codes.pop(code, None)  # single use, even when the exchange fails
        if issued is None or issued.expires_at < self.clock():
            raise OAuthError("invalid_grant", "The authorization code is invalid or expired.")
        if issued.grant.client_id != client_id or issued.redirect_uri != redirect_uri:
            raise OAuthError("invalid_grant", "The code was issued to another client or URI.")
        if issued.code_challenge and _s256(code_verifier or "") != issued.code_challenge:
            raise OAuthError("invalid_grant", "PKCE verification failed.")
        return issued.grant, issued.nonce, self._tokens(issued.grant)

    # -- refresh, revoke, introspection ------------------------------------------------
    def refresh(self, client_id: str, refresh_token: str) -> tuple[Grant, dict]:
        with self._lock:
            held = self._refresh.get(refresh_token)
            now = self.clock()
            if (held is None or held.grant.revoked or held.grant.client_id != client_id
                    or held.expires_at <= now
                    or (held.dies_at is not None and held.dies_at <= now)):
                raise OAuthError("invalid_grant", "Token invalid")
            if held.dies_at is None:
                held.dies_at = now + self.rotation_grace
        return held.grant, self._tokens(held.grant)

    def revoke(self, token: str) -> Grant | None:
        """Revoking either token of a grant ends the whole grant, as Intuit and Xero do."""
        with self._lock:
            held = self._refresh.get(token)
            grant = held.grant if held else self._access.get(token, (None, 0.0))[0]
            if grant is not None:
                grant.revoked = True
        return grant

    def grant_for(self, access_token: str) -> Grant | None:
        with self._lock:
            grant, expires_at = self._access.get(access_token, (None, 0.0))
        if grant is None or grant.revoked or expires_at <= self.clock():
            return None
        return grant

    # -- controls for tests and the sandbox console ----------------------------------------
    def expire_access_tokens(self) -> None:
        with self._lock:
            self._access = {token: (grant, 0.0) for token, (grant, _) in self._access.items()}

    def revoke_all(self) -> None:
        with self._lock:
            for held in self._refresh.values():
                held.grant.revoked = True

    def issue_tokens(self, grant: Grant) -> dict:
        """Tokens for a grant made without the browser dance (recording fixtures, consoles)."""
        return self._tokens(grant)

    def _tokens(self, grant: Grant) -> dict:
        access = f"{self.prefix}-at-{secrets.token_urlsafe(24)}"
        refresh = f"{self.prefix}-rt-{secrets.token_urlsafe(24)}"
        now = self.clock()
        if self.access_format is not None:
            access = self.access_format(grant, access, now + self.access_ttl)
        with self._lock:
            self._access[access] = (grant, now + self.access_ttl)
            self._refresh[refresh] = _Refresh(grant, now + self.refresh_ttl)
        return {"access_token": access, "refresh_token": refresh, "expires_in": self.access_ttl,
                "token_type": "bearer"}


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def client_credentials(authorization: str | None, form: dict) -> tuple[str, str]:
    """Client id and secret from HTTP Basic (Intuit, Authlib) or the form body (xero-python).
    An undecodable header gives ("", ""): refused as an unknown client, not a crash."""
    if authorization and authorization.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(authorization[6:], validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return form.get("client_id", ""), form.get("client_secret", "")
