"""Huey on the storage this run is configured for: SQLite by default, Redis when
REMIT_REDIS_URL is set (the second CI run). Tasks run inside the app and retry with backoff."""

import datetime
import uuid

import pytest
from flask import current_app
from huey.storage import RedisStorage, SqliteStorage

from addon import settings
from addon.queue import DEFAULT_RETRY_BACKOFF, DEFAULT_RETRY_DELAY, build_huey


@pytest.fixture
def real_huey(tmp_path):
    values = settings.from_environment()
    values["HUEY_IMMEDIATE"] = False
    values["HUEY_SQLITE_PATH"] = str(tmp_path / "huey.sqlite3")
    queue = build_huey(values, name=f"remit-test-{uuid.uuid4().hex[:8]}")
    yield queue
    queue.flush()


def test_storage_follows_the_settings(real_huey):
    expected = RedisStorage if settings.from_environment()["REDIS_URL"] else SqliteStorage
    assert isinstance(real_huey.storage, expected)


def test_a_queued_task_runs_inside_the_app(app, real_huey):
    @real_huey.task()
    def company_count(offset):
        return current_app.config["ENV"], offset + 1

    result = company_count(41)
    assert real_huey.pending_count() == 1
    real_huey.execute(real_huey.dequeue())
    assert result.get() == ("testing", 42)


def test_failing_tasks_retry_with_growing_delays(app, real_huey):
    calls = []

    @real_huey.task(retries=3, retry_delay=DEFAULT_RETRY_DELAY, retry_backoff=DEFAULT_RETRY_BACKOFF)
    def flaky():
        calls.append(1)
        raise ConnectionError("vendor unavailable")

    flaky()
    waits = []
    task = real_huey.dequeue()
    for _ in range(4):
        real_huey.execute(task, timestamp=_far_future())
        scheduled = real_huey.read_schedule(_far_future())  # a retry waits on the schedule
        if not scheduled:
            break
        (task,) = scheduled
        waits.append(round((task.eta - _now()).total_seconds()))
    assert len(calls) == 4  # the first run and three retries, then it gives up
    assert waits == [DEFAULT_RETRY_DELAY, DEFAULT_RETRY_DELAY * 2, DEFAULT_RETRY_DELAY * 4]


def test_app_tasks_default_to_retrying_with_backoff():
    from addon.queue import app_task, huey

    @app_task()
    def nothing():
        return "done"

    task = nothing.s()
    assert (task.retries, task.retry_delay, task.retry_backoff) == (
        6, DEFAULT_RETRY_DELAY, DEFAULT_RETRY_BACKOFF
    )
    assert huey.immediate  # unit/app tests run tasks inline (REMIT_HUEY_IMMEDIATE)


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)  # Huey keeps naive UTC


def _far_future():
    return _now() + datetime.timedelta(days=1)


def test_the_sqlite_queue_does_not_sync_the_disk_at_every_enqueue(real_huey):
    """WAL with synchronous=NORMAL (1): an enqueue is not an fsync (addon/queue.py)."""
    if isinstance(real_huey.storage, RedisStorage):
        pytest.skip("the Redis queue has no SQLite file")
    connection = real_huey.storage.conn
    assert connection.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert connection.execute("pragma synchronous").fetchone()[0] == 1
