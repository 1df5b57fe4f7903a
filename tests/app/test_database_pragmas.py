"""The add-on's SQLite file is opened in WAL mode with synchronous=NORMAL (addon/database.py):
a webhook's insert is a log append, not a rewrite behind a journal with three disk syncs."""

import pytest
from sqlalchemy import text

from addon.extensions import db


def test_every_sqlite_connection_is_in_wal_mode(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL keeps its own durability settings")
    with db.engine.connect() as connection:
        assert connection.execute(text("pragma journal_mode")).scalar() == "wal"
        assert connection.execute(text("pragma synchronous")).scalar() == 1
