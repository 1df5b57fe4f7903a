"""How Remit's database connections are opened and checked.

SQLite: write-ahead logging, so a commit appends to the log instead of rewriting pages behind a
rollback journal, and readers (pages, the worker) no longer block the writer (a webhook) or the
other way round. With WAL, `synchronous=NORMAL` syncs the log at checkpoints rather than at every
commit: a crashed process loses nothing and the file is never corrupted; only a power cut can
undo the last commits. PostgreSQL, production's database, keeps its own full durability.

Every database: a pooled connection is checked with a round trip (`SELECT 1`) only when it sat
idle in the pool longer than PING_AFTER_IDLE seconds, when a database restart or a dropped link
may have killed it unseen. A busy process reuses its connections within milliseconds, and
pinging each of those (`pool_pre_ping`) cost the webhook endpoint one round trip in three. A
connection that dies while in use is caught as a disconnect: SQLAlchemy then discards the whole
pool, so one statement fails per process, not one per pooled connection."""

from __future__ import annotations

import sqlite3
import time

from sqlalchemy import Engine, event, exc

SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")
PING_AFTER_IDLE = 10.0
_IDLE_SINCE = "remit_idle_since"


def tune(engine: Engine) -> None:
    """Open SQLite connections with SQLITE_PRAGMAS; ping any connection that idled."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "checkin", _on_checkin)
    event.listen(engine, "checkout", _on_checkout)


def _on_sqlite_connect(connection: sqlite3.Connection, _record) -> None:
    cursor = connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)  # an in-memory database answers "memory" and stays so
    finally:
        cursor.close()


def _on_checkin(_connection, record) -> None:
    if record is not None:
        record.info[_IDLE_SINCE] = time.monotonic()


def _on_checkout(connection, record, _proxy) -> None:
    """A connection back from the pool after PING_AFTER_IDLE seconds answers `SELECT 1` or is
    replaced (DisconnectionError: the pool opens a fresh one, up to three times)."""
    idle_since = record.info.pop(_IDLE_SINCE, None)
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE:
        return  # new, or back within moments of its last use
    try:
        cursor = connection.cursor()
        try:
            cursor.execute("SELECT 1")
            cursor.fetchall()
        finally:
            cursor.close()
    except Exception as dead:
        raise exc.DisconnectionError(f"a pooled connection did not answer: {type(dead).__name__}"
                                     ) from dead
