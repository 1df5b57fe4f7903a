"""Storing a verified event in one round trip: `INSERT … ON CONFLICT (source, event_id) DO
NOTHING RETURNING id`, through SQLAlchemy Core, with no ORM object and no prior SELECT. A
redelivery (or a concurrent delivery that lost the race) inserts nothing and returns no id, so
the endpoint answers it 2xx without enqueueing anything. The statement is compiled once per
database dialect and reused by every request of the process."""

from __future__ import annotations

import functools

from sqlalchemy import Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from addon.extensions import db
from addon.models import GatewayEvent, WorkStatus, utcnow
from addon.ops import metrics
from gateways.base import ReceivedEvent

# The databases Remit runs on, each with its own spelling of "insert unless it is there".
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def store_event(source: str, event: ReceivedEvent) -> int | None:
    """The new row's id, or None when (source, event id) was stored before: a redelivery.
    The statement commits on its own (see _insert); the session is not involved, so nothing
    else of the request is committed with it. A pooled connection found dead (the database
    restarted) is replaced and the insert tried once more: it is idempotent by (source, event
    id)."""
    row = {"source": source, "event_id": event.id, "event_type": event.type,
           "account_id": event.account_id, "livemode": event.livemode,
           "payload": event.payload, "status": WorkStatus.PENDING, "attempts": 0,
           "received_at": utcnow()}
    try:
        new_id = _insert(row)
    except DBAPIError as failed:
        if not failed.connection_invalidated:
            raise
        new_id = _insert(row)
    metrics.webhook_event(source, "duplicate" if new_id is None else "received")
    return new_id


def _insert(row: dict) -> int | None:
    """On PostgreSQL in autocommit: the insert is its own transaction, with no BEGIN and COMMIT
    round trips. SQLite's driver begins the transaction with the insert itself, and switching a
    connection to autocommit and back costs PRAGMA statements each time, so there it is one
    ordinary transaction."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        with engine.begin() as connection:
            return connection.execute(_statement("sqlite"), row).scalar()
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        return connection.execute(_statement(connection.dialect.name), row).scalar()


@functools.cache
def _statement(dialect: str) -> Insert:
    """The insert for `dialect`, built once (SQLAlchemy caches its compiled form)."""
    try:
        insert = _INSERTS[dialect]
    except KeyError:
        raise RuntimeError(f"events are stored on PostgreSQL or SQLite, not {dialect}") from None
    table = GatewayEvent.__table__
    return (insert(table)
            .on_conflict_do_nothing(index_elements=[table.c.source, table.c.event_id])
            .returning(table.c.id))
