"""Single-flight refresh: one rotating refresh token is spent once, and stored in the same
transaction that read it."""

import os
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from addon.auth.tokens import DatabaseTokenKeeper, MemoryTokenKeeper, tokens_of
from addon.extensions import db
from addon.models import ConnectionStatus, Platform, PlatformConnection
from connectors.base import AuthError, TokenSet

SOON = datetime.now(UTC) + timedelta(minutes=1)


def tokens(n: int) -> TokenSet:
    return TokenSet(access_token=f"at-{n}", refresh_token=f"rt-{n}", expires_at=SOON,
                    scope="openid")


def stored_grant() -> PlatformConnection:
    grant = PlatformConnection(platform=Platform.XERO, access_token="at-0", refresh_token="rt-0",
                               access_expires_at=SOON, scopes="openid")
    db.session.add(grant)
    db.session.commit()
    return grant


def test_a_rotation_is_stored_before_it_is_returned(app):
    keeper = DatabaseTokenKeeper(stored_grant().id)
    fresh = keeper.rotate(keeper.current(), lambda refresh_token: tokens(1))
    assert fresh.refresh_token == "rt-1"
    db.session.expire_all()
    assert keeper.current().refresh_token == "rt-1"


def test_a_stale_caller_gets_the_tokens_someone_else_rotated(app):
    keeper = DatabaseTokenKeeper(stored_grant().id)
    stale = keeper.current()
    keeper.rotate(stale, lambda refresh_token: tokens(1))
    spent = []
    again = keeper.rotate(stale, lambda refresh_token: spent.append(refresh_token) or tokens(2))
    assert again.refresh_token == "rt-1"
    assert spent == []


def test_invalid_grant_marks_the_connection_for_reconnection(app):
    grant = stored_grant()
    keeper = DatabaseTokenKeeper(grant.id)

    def refused(refresh_token):
        raise AuthError("invalid_grant")

    with pytest.raises(AuthError):
        keeper.rotate(keeper.current(), refused)
    db.session.expire_all()
    assert db.session.get(PlatformConnection, grant.id).status is ConnectionStatus.NEEDS_RECONNECT
    with pytest.raises(AuthError, match="reconnected"):
        keeper.current()


def test_tokens_stay_encrypted_and_the_repr_shows_none(app):
    keeper = DatabaseTokenKeeper(stored_grant().id)
    assert "rt-0" not in repr(keeper.current())
    assert "at-0" not in repr(tokens_of(db.session.get(PlatformConnection, keeper.connection_id)))


def test_memory_keeper_rotates_once_per_stale_token():
    keeper = MemoryTokenKeeper(tokens(0))
    stale = keeper.current()
    assert keeper.rotate(stale, lambda rt: tokens(1)).refresh_token == "rt-1"
    assert keeper.rotate(stale, lambda rt: tokens(2)).refresh_token == "rt-1"


@pytest.mark.skipif(
    not os.environ.get("REMIT_DATABASE_URL", "").startswith("postgres"),
    reason="row locks (SELECT … FOR UPDATE) are a PostgreSQL guarantee; SQLite takes none",
)
def test_concurrent_refreshes_spend_the_refresh_token_once(app):
    keeper = DatabaseTokenKeeper(stored_grant().id)
    stale = keeper.current()
    spent, results = [], []

    def slow_exchange(refresh_token):
        spent.append(refresh_token)
        time.sleep(0.2)  # the vendor round trip, while the other workers wait on the lock
        return tokens(len(spent))

    def worker():
        with app.app_context():
            results.append(keeper.rotate(stale, slow_exchange).refresh_token)

    threads = [threading.Thread(target=worker) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert spent == ["rt-0"]
    assert results == ["rt-1"] * 5
