"""The Huey instance every task is registered on.

Huey binds tasks at import time, so the instance is built from the environment when this module
is first imported: Redis when REMIT_REDIS_URL is set, else a SQLite file (no server), and
in-memory immediate mode when REMIT_HUEY_IMMEDIATE is true. Task code is the same in every mode.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, has_app_context
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.api import PeriodicTask, TaskLock
from huey.exceptions import TaskLockedException
from huey.storage import SqliteStorage

from addon import settings
from addon.ops.logs import TASK_KWARG, current_request_id

INSTANCE_PATH = Path(__file__).resolve().parent.parent / "instance"

# Transient failures (429, 5xx, timeouts) retry this many times, waiting 10 s, 20 s, 40 s, …
DEFAULT_RETRIES = 6
DEFAULT_RETRY_DELAY = 10
DEFAULT_RETRY_BACKOFF = 2

# How an idle worker looks for work. On Redis it blocks in BRPOP for up to REDIS_READ_TIMEOUT
# seconds at a time (a task is taken as it arrives); on SQLite it polls, first after
# IDLE_POLL_FIRST seconds, then less often, but never more than IDLE_POLL_MAX apart: Huey's own
# default of 10 s made a paid invoice wait about that long for the ledger. A SQLite poll is one
# indexed read, so two workers polling twice a second cost well under 1 % of a core.
REDIS_READ_TIMEOUT = 1
IDLE_POLL_FIRST = 0.05
IDLE_POLL_BACKOFF = 1.5
IDLE_POLL_MAX = 0.5
# The scheduler moves retries whose time has come onto the queue this often (seconds).
SCHEDULER_INTERVAL = 1
# A task that finds a lock taken (another worker writing to the same company's ledger) waits
# up to LOCK_WAIT seconds for it, looking every LOCK_POLL, before Huey retries it (10 s later,
# then 20 s…): a ledger write takes well under a second, so two customers paying one company a
# moment apart are recorded one after the other instead of the second 10 s later.
LOCK_WAIT = 3.0
LOCK_POLL = 0.05


def build_huey(values: dict[str, Any], name: str = "remit") -> Huey:
    if values.get("HUEY_IMMEDIATE"):
        return MemoryHuey(name, immediate=True)
    if values.get("REDIS_URL"):
        # Blocking reads: an idle worker waits inside Redis (BRPOP) and takes a task the moment
        # it is enqueued, instead of sleeping between polls.
        return RedisHuey(name, url=values["REDIS_URL"], blocking=True,
                         read_timeout=REDIS_READ_TIMEOUT)
    path = Path(values.get("HUEY_SQLITE_PATH") or INSTANCE_PATH / "huey.sqlite3")
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(path), storage_class=WalSqliteStorage)


class WalSqliteStorage(SqliteStorage):
    """Huey's SQLite queue (already in WAL mode) without a disk sync at every enqueue: as for
    the add-on's database (addon/database.py), a crashed process loses no task; a power cut may
    lose the last ones, which the database-driven sweep enqueues again."""

    def _create_connection(self):
        connection = super()._create_connection()
        connection.execute("pragma synchronous=NORMAL")
        return connection


huey = build_huey(settings.from_environment())

_worker_app: Flask | None = None


def _app_for_worker() -> Flask:
    """A worker process builds the app once; tasks run inside its app context."""
    global _worker_app
    if _worker_app is None:
        from addon import create_app

        _worker_app = create_app()
    return _worker_app


def consumer_options(workers: int) -> dict[str, Any]:
    """What `flask remit worker` gives Huey's consumer: threads, the periodic tasks, and the
    prompt idle polling above."""
    return {"workers": workers, "worker_type": "thread", "periodic": True,
            "initial_delay": IDLE_POLL_FIRST, "backoff": IDLE_POLL_BACKOFF,
            "max_delay": IDLE_POLL_MAX, "scheduler_interval": SCHEDULER_INTERVAL}


@contextmanager
def held(lock: TaskLock, wait: float = LOCK_WAIT) -> Iterator[TaskLock]:
    """Hold a lock (Huey's, or anything with its acquire/release: the ledger write lock),
    waiting up to `wait` seconds for its holder to let go; else
    TaskLockedException (the task is retried later, as Huey does for `with lock:`)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            lock.acquire()
            break
        except TaskLockedException:
            if time.monotonic() >= deadline:
                raise
            time.sleep(LOCK_POLL)
    try:
        yield lock
    finally:
        lock.release()


def run_tasks_in(app: Flask) -> None:
    """The app this worker's tasks run in: the one `flask remit worker` loaded, so the
    development stack's sandbox settings reach the tasks too."""
    global _worker_app
    _worker_app = app


def carry_request_ids(queue: Huey) -> None:
    """Every task enqueued while a request (or a task) is handled carries its id, so the
    worker's log lines name the webhook that caused them (addon.ops.logs)."""
    enqueue = queue.enqueue

    def enqueue_with_request_id(task):
        request_id = current_request_id.get()
        if request_id and not isinstance(task, PeriodicTask):
            task.kwargs.setdefault(TASK_KWARG, request_id)
        return enqueue(task)

    queue.enqueue = enqueue_with_request_id


carry_request_ids(huey)


def in_app_context(function: Callable) -> Callable:
    """Run `function` inside the request's app context, or the worker's own app, under the
    request id it was enqueued with."""

    @functools.wraps(function)
    def run_in_app(*args: Any, **kwargs: Any) -> Any:
        request_id = kwargs.pop(TASK_KWARG, None)
        token = current_request_id.set(request_id) if request_id else None
        try:
            if has_app_context():
                return function(*args, **kwargs)
            with _app_for_worker().app_context():
                return function(*args, **kwargs)
        finally:
            if token is not None:
                current_request_id.reset(token)

    return run_in_app


def app_periodic_task(schedule: Callable, **options: Any) -> Callable:
    """A periodic Huey task (schedule: a huey.crontab) running inside the app."""

    def decorate(function: Callable) -> Callable:
        return huey.periodic_task(schedule, **options)(in_app_context(function))

    return decorate


def app_task(
    retries: int = DEFAULT_RETRIES,
    retry_delay: int = DEFAULT_RETRY_DELAY,
    retry_backoff: float = DEFAULT_RETRY_BACKOFF,
    **options: Any,
) -> Callable:
    """Register a Huey task that runs inside a Flask app context and retries with backoff."""

    def decorate(function: Callable) -> Callable:
        return huey.task(
            retries=retries, retry_delay=retry_delay, retry_backoff=retry_backoff, **options
        )(in_app_context(function))

    return decorate
