"""Fixtures shared by the app tests of the ledger budget and lock."""

from __future__ import annotations

import uuid

import pytest
from huey import RedisHuey, SqliteHuey

from addon import settings
from addon.posting import shared


@pytest.fixture(params=["memory", "sqlite", "redis"])
def store(request, app, tmp_path, monkeypatch):
    """The shared store (addon/posting/shared.py) beside each kind of queue: the tests'
    in-memory one, a SQLite file, and Redis on the Redis tier (REMIT_REDIS_URL)."""
    if request.param == "sqlite":
        queue = SqliteHuey("remit-store", filename=str(tmp_path / "huey.sqlite3"))
    elif request.param == "redis":
        url = settings.from_environment()["REDIS_URL"]
        if not url:
            pytest.skip("the Redis tier sets REMIT_REDIS_URL")
        queue = RedisHuey(f"remit-store-{uuid.uuid4().hex[:8]}", url=url)
    else:
        queue = None
    values = shared.build(queue) if queue is not None else shared.values
    monkeypatch.setattr(shared, "values", values)
    yield values
    values.forget_all()
    if isinstance(queue, RedisHuey):
        queue.storage.conn.connection_pool.disconnect()  # no socket left for the GC to warn of
