"""A paid invoice reaches the ledger promptly: the worker looks for work often when idle (Huey on
SQLite) or blocks on Redis until a task arrives, and `make run` starts the app once, not twice.
(The figures are measured by benchmarks/wake.py and benchmarks/cold_start.py, never here.)"""

from __future__ import annotations

import threading
import uuid

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from huey.consumer import Consumer
from huey.exceptions import TaskLockedException

from addon import create_app, queue
from addon.queue import IDLE_POLL_MAX, build_huey
from tests.conftest import _close, base_config


def test_the_worker_command_runs_a_consumer_that_polls_within_half_a_second(app, monkeypatch):
    started = []
    monkeypatch.setattr(Consumer, "run", lambda consumer: started.append(consumer))
    monkeypatch.setattr(queue, "_worker_app", None)
    result = app.test_cli_runner().invoke(args=["remit", "worker", "--workers", "3"])
    assert result.exit_code == 0, result.output
    (consumer,) = started
    assert consumer.max_delay == IDLE_POLL_MAX <= 0.5  # Huey's default is 10 s
    assert consumer.default_delay <= 0.1 and consumer.backoff > 1
    assert consumer.scheduler_interval == 1 and consumer.periodic
    workers = [worker for worker, _ in consumer.worker_threads]
    assert len(workers) == 3
    assert {(w.default_delay, w.max_delay, w.backoff) for w in workers} == {
        (consumer.default_delay, IDLE_POLL_MAX, consumer.backoff)}


def test_on_redis_an_idle_worker_blocks_until_a_task_arrives():
    """BRPOP instead of sleeping between polls; no connection is made to build it."""
    redis_queue = build_huey({"REDIS_URL": "redis://127.0.0.1:6379/15"}, name="remit-wake")
    assert type(redis_queue.storage).__name__ == "RedisStorage"
    assert redis_queue.storage.blocking is True
    assert 0 < redis_queue.storage.read_timeout <= 1


def test_serve_upgrade_migrates_the_database_before_it_listens(tmp_path, sandbox_url,
                                                               monkeypatch):
    """`make run` has the server apply the migrations (one app start, not two)."""
    import werkzeug.serving

    database_url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    app = create_app(base_config(database_url, sandbox_url))
    listened = []

    def run_simple(host, port, application, **options):
        with sa.create_engine(database_url).connect() as connection:
            listened.append(connection.execute(sa.text(
                "SELECT version_num FROM alembic_version")).scalar())

    monkeypatch.setattr(werkzeug.serving, "run_simple", run_simple)
    try:
        result = app.test_cli_runner().invoke(args=["remit", "serve", "--upgrade",
                                                    "--port", "5999"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            config = app.extensions["migrate"].migrate.get_config()
            head = ScriptDirectory.from_config(config).get_current_head()
        assert head and listened == [head]
    finally:
        _close(app)


def test_a_task_waits_for_a_lock_its_holder_releases_soon(app):
    """Two payments for one company a moment apart: the second is written after the first,
    not retried 10 s later."""
    lock = queue.huey.lock_task(f"wake-test-{uuid.uuid4().hex[:8]}")
    lock.acquire()
    releaser = threading.Timer(0.2, lock.release)  # the other worker's write ends
    releaser.start()
    try:
        with queue.held(lock):
            assert lock.is_locked()
    finally:
        releaser.join()
    assert not lock.is_locked()


def test_a_lock_held_too_long_still_sends_the_task_to_be_retried(app):
    lock = queue.huey.lock_task(f"wake-test-{uuid.uuid4().hex[:8]}")
    with queue.held(lock), pytest.raises(TaskLockedException), queue.held(lock, wait=0.1):
        pass
    assert not lock.is_locked()
