"""Token keepers: where connectors read tokens and hand rotations (connectors.base.TokenKeeper).

Refreshing is single-flight per grant: the rotated refresh token is written in the same
transaction that read the old one under a row lock (PostgreSQL `SELECT … FOR UPDATE`), so two
workers never both spend one rotating refresh token. SQLite, the single-machine default,
serialises writers itself but takes no row lock: there a rare double refresh is absorbed by the
vendors' grace period for the previous refresh token (Intuit 24 h, Xero 30 min).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from addon.extensions import db
from addon.models import ConnectionStatus, PlatformConnection
from connectors.base import AuthError, TokenSet


def tokens_of(grant: PlatformConnection) -> TokenSet:
    return TokenSet(
        access_token=grant.access_token or "",
        refresh_token=grant.refresh_token or "",
        expires_at=grant.access_expires_at,
        refresh_expires_at=grant.refresh_expires_at,
        refresh_hard_expires_at=grant.refresh_hard_expires_at,
        scope=grant.scopes,
    )


def store_tokens(grant: PlatformConnection, tokens: TokenSet) -> None:
    grant.access_token = tokens.access_token
    grant.refresh_token = tokens.refresh_token
    grant.access_expires_at = tokens.expires_at
    grant.refresh_expires_at = tokens.refresh_expires_at
    grant.refresh_hard_expires_at = tokens.refresh_hard_expires_at
    grant.scopes = tokens.scope or grant.scopes


class DatabaseTokenKeeper:
    """The tokens of one stored grant. Uses its own short transactions so a rotation is
    committed at once, whatever the caller's session is doing."""

    def __init__(self, connection_id: int) -> None:
        self.connection_id = connection_id

    def current(self) -> TokenSet:
        with Session(db.engine) as session:
            grant = session.get(PlatformConnection, self.connection_id)
            _require_usable(grant)
            return tokens_of(grant)

    def rotate(self, stale: TokenSet, exchange: Callable[[str], TokenSet]) -> TokenSet:
        with Session(db.engine, expire_on_commit=False) as session:
            grant = session.get(PlatformConnection, self.connection_id, with_for_update=True)
            _require_usable(grant)
            if grant.refresh_token != stale.refresh_token:
                return tokens_of(grant)  # another worker rotated it while we waited
            try:
                fresh = exchange(grant.refresh_token)
            except AuthError:
                grant.status = ConnectionStatus.NEEDS_RECONNECT
                session.commit()
                raise
            store_tokens(grant, fresh)
            session.commit()
            return fresh


class MemoryTokenKeeper:
    """Tokens not stored yet: between the OAuth callback and the moment the user's companies
    are saved. Rotations land in `tokens`, which the caller then stores."""

    def __init__(self, tokens: TokenSet) -> None:
        self.tokens = tokens

    def current(self) -> TokenSet:
        return self.tokens

    def rotate(self, stale: TokenSet, exchange: Callable[[str], TokenSet]) -> TokenSet:
        if self.tokens.refresh_token == stale.refresh_token:
            self.tokens = exchange(stale.refresh_token)
        return self.tokens


def _require_usable(grant: PlatformConnection | None) -> None:
    if grant is None or grant.status is not ConnectionStatus.ACTIVE or not grant.refresh_token:
        raise AuthError("The connection needs to be reconnected before Remit can use it.")


def tokens_to_json(tokens: TokenSet) -> str:
    return json.dumps({
        "access_token": tokens.access_token,
        "refresh_token": tokens.refresh_token,
        "expires_at": tokens.expires_at.isoformat(),
        "refresh_expires_at": _iso(tokens.refresh_expires_at),
        "refresh_hard_expires_at": _iso(tokens.refresh_hard_expires_at),
        "scope": tokens.scope,
    })


def tokens_from_json(text: str) -> TokenSet:
    data = json.loads(text)
    return TokenSet(
        access_token=data["access_token"],
        refresh_token=data["refresh_token"],
        expires_at=datetime.fromisoformat(data["expires_at"]),
        refresh_expires_at=_from_iso(data["refresh_expires_at"]),
        refresh_hard_expires_at=_from_iso(data["refresh_hard_expires_at"]),
        scope=data["scope"],
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _from_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
