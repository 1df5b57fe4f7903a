"""A pooled connection that died unseen (the database restarted, a link dropped) costs nothing
that a user or Stripe would see: one that idled is pinged and replaced on checkout; one that dies
while fresh fails the webhook's insert, which is tried once more on a new connection
(addon/database.py, addon/webhooks/ingest.py)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from addon import database
from addon.extensions import db
from addon.models import GatewayEvent
from tests.app.test_webhook_ingest import delivery


@pytest.fixture
def kill_pooled_connections(app):
    """Close the driver connection under every connection the pool holds, as a database restart
    does to them, without telling the pool; afterwards the pool starts afresh."""
    yield _kill_pooled_connections
    db.session.remove()
    db.engine.dispose()


def _kill_pooled_connections() -> None:
    db.session.remove()
    held = [db.engine.raw_connection() for _ in range(db.engine.pool.checkedin() or 1)]
    drivers = [connection.driver_connection for connection in held]
    for connection in held:
        connection.close()  # back into the pool, alive as far as it knows
    for driver in drivers:
        driver.close()


def test_a_connection_that_idled_and_died_is_replaced_on_checkout(kill_pooled_connections,
                                                                   monkeypatch):
    monkeypatch.setattr(database, "PING_AFTER_IDLE", 0.0)
    kill_pooled_connections()
    assert db.session.scalar(select(sa.literal(1))) == 1


def test_a_webhook_survives_the_server_ending_its_connection(app, client, monkeypatch):
    """PostgreSQL ends every backend of the database, as a restart does, moments after the last
    request (too soon for a ping): the webhook's insert meets a dead connection and is tried once
    more. SQLite has no server that could end a connection."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server to restart")
    monkeypatch.setattr(database, "PING_AFTER_IDLE", 3600.0)
    assert client.post("/webhooks/stripe", data=delivery(app, "evt_before")[0],
                       headers=delivery(app, "evt_before")[1]).status_code == 200
    db.session.remove()
    killer = sa.create_engine(db.engine.url, poolclass=sa.NullPool)
    with killer.connect() as connection:
        connection.execute(sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    killer.dispose()
    body, headers = delivery(app, "evt_after_termination")
    assert client.post("/webhooks/stripe", data=body, headers=headers).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(GatewayEvent)) == 2
