"""Count the SQL statements a block runs: pages must not ask once per row."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from addon.extensions import db


@contextmanager
def recorded_statements():
    """Yield the list the statements run inside the block are appended to."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
