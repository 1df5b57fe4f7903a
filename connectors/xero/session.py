"""The token behaviour every Xero call shares: refresh ahead of expiry, and on a 401 refresh
once and retry once, always through the TokenKeeper (never the SDK, never Authlib on its own),
so the rotated refresh token is persisted before anything uses it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from connectors.base import OAuthClient, TokenKeeper, TokenSet
from connectors.xero import oauth
from connectors.xero.client import AccessTokenRejected
from connectors.xero.const import REFRESH_AHEAD

T = TypeVar("T")


class TokenSession:
    def __init__(self, tokens: TokenKeeper, client: OAuthClient, timeout: float) -> None:
        self._tokens = tokens
        self._client = client
        self._timeout = timeout

    def run(self, call: Callable[[str], T]) -> T:
        """`call(access_token)`; a 401 rotates the tokens and retries exactly once."""
        tokens = self._fresh()
        try:
            return call(tokens.access_token)
        except AccessTokenRejected:
            tokens = self._tokens.rotate(tokens, self._exchange)
        return call(tokens.access_token)

    def _fresh(self) -> TokenSet:
        tokens = self._tokens.current()
        expires_at = tokens.expires_at
        if expires_at.tzinfo is None:  # the contract says aware UTC; a naive one (SQLite) too
            expires_at = expires_at.replace(tzinfo=UTC)
        if expires_at - datetime.now(UTC) <= REFRESH_AHEAD:
            tokens = self._tokens.rotate(tokens, self._exchange)
        return tokens

    def _exchange(self, refresh_token: str) -> TokenSet:
        return oauth.refresh(self._client, refresh_token, self._timeout)
