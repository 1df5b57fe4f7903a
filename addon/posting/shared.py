"""Small expiring values every web and worker process sees alike: the ledger write locks,
call counters and pauses (ledger_lock.py, budget.py).

They live where the queue lives, so they are shared exactly as widely as the work is: in Redis
when the queue is Redis (SET NX PX, and Lua scripts so each check-and-change is one step), in
Huey's SQLite file otherwise (a table of its own, each change one exclusive transaction), and
in process for the in-memory queue (tests, REMIT_HUEY_IMMEDIATE). Every value expires; nothing
here needs cleaning up after a process dies.
"""

from __future__ import annotations

import threading
import time

from huey.storage import EmptyData, RedisStorage, SqliteStorage

from addon.queue import huey

_GIVE_BACK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0"""
_EXTEND = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0"""
_COUNT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n"""
_TAKE_ONE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECR', KEYS[1]) end
return false"""
_RAISE = """
local now = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) > now then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1"""


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


class RedisValues:
    def __init__(self, storage: RedisStorage, prefix: str) -> None:
        self.conn, self.prefix = storage.conn, prefix
        self._scripts = {name: self.conn.register_script(source) for name, source in (
            ("give_back", _GIVE_BACK), ("extend", _EXTEND), ("count", _COUNT),
            ("take_one", _TAKE_ONE), ("raise", _RAISE))}

    def take(self, key: str, token: str, ttl: float) -> bool:
        return bool(self.conn.set(self.prefix + key, token, nx=True, px=_ms(ttl)))

    def give_back(self, key: str, token: str) -> bool:
        return bool(self._scripts["give_back"](keys=[self.prefix + key], args=[token]))

    def extend(self, key: str, token: str, ttl: float) -> bool:
        return bool(self._scripts["extend"](keys=[self.prefix + key], args=[token, _ms(ttl)]))

    def count(self, key: str, ttl: float) -> int:
        return int(self._scripts["count"](keys=[self.prefix + key], args=[_ms(ttl)]))

    def take_one(self, key: str) -> int | None:
        taken = self._scripts["take_one"](keys=[self.prefix + key])
        return None if taken is None else int(taken)

    def raise_to(self, key: str, value: float, ttl: float) -> None:
        self._scripts["raise"](keys=[self.prefix + key], args=[repr(value), _ms(ttl)])

    def put(self, key: str, value: str, ttl: float) -> None:
        self.conn.set(self.prefix + key, value, px=_ms(ttl))

    def read(self, key: str) -> str | None:
        value = self.conn.get(self.prefix + key)
        return value.decode() if isinstance(value, bytes) else value

    def forget_all(self) -> None:
        for key in self.conn.scan_iter(match=self.prefix + "*"):
            self.conn.delete(key)


class SqliteValues:
    """One table beside Huey's in its SQLite file; Huey's `db(commit=True)` runs each change
    as one `BEGIN EXCLUSIVE` transaction, so other processes see it whole or not at all."""

    TABLE = ("create table if not exists remit_shared (key text primary key, "
             "value text not null, expires real not null)")

    def __init__(self, storage: SqliteStorage, prefix: str) -> None:
        self.storage, self.prefix = storage, prefix
        self.storage.sql(self.TABLE, commit=True)

    def _change(self, key: str, *statements: tuple[str, tuple]) -> int:
        """Drop the key if expired, then run `statements`; the last one's rowcount."""
        with self.storage.db(commit=True) as cursor:
            cursor.execute("delete from remit_shared where key = ? and expires <= ?",
                           (self.prefix + key, time.time()))
            for sql, params in statements:
                cursor.execute(sql, params)
            return cursor.rowcount

    def take(self, key: str, token: str, ttl: float) -> bool:
        return self._change(key, ("insert or ignore into remit_shared values (?, ?, ?)",
                                  (self.prefix + key, token, time.time() + ttl))) == 1

    def give_back(self, key: str, token: str) -> bool:
        return self._change(key, ("delete from remit_shared where key = ? and value = ?",
                                  (self.prefix + key, token))) == 1

    def extend(self, key: str, token: str, ttl: float) -> bool:
        return self._change(key, (
            "update remit_shared set expires = ? where key = ? and value = ?",
            (time.time() + ttl, self.prefix + key, token))) == 1

    def count(self, key: str, ttl: float) -> int:
        with self.storage.db(commit=True) as cursor:  # the count read in the same transaction
            cursor.execute("delete from remit_shared where key = ? and expires <= ?",
                           (self.prefix + key, time.time()))
            cursor.execute("insert into remit_shared values (?, '1', ?) on conflict (key) "
                           "do update set value = cast(value as integer) + 1 "
                           "returning value", (self.prefix + key, time.time() + ttl))
            return int(cursor.fetchone()[0])

    def take_one(self, key: str) -> int | None:
        with self.storage.db(commit=True) as cursor:
            cursor.execute("update remit_shared set value = cast(value as integer) - 1 "
                           "where key = ? and expires > ? returning value",
                           (self.prefix + key, time.time()))
            found = cursor.fetchone()
            return None if found is None else int(found[0])

    def raise_to(self, key: str, value: float, ttl: float) -> None:
        self._change(key, ("insert into remit_shared values (?, ?, ?) on conflict (key) do "
                           "update set value = excluded.value, expires = excluded.expires "
                           "where cast(excluded.value as real) > cast(value as real)",
                           (self.prefix + key, repr(value), time.time() + ttl)))

    def put(self, key: str, value: str, ttl: float) -> None:
        self._change(key, ("insert or replace into remit_shared values (?, ?, ?)",
                           (self.prefix + key, value, time.time() + ttl)))

    def read(self, key: str) -> str | None:
        found = self.storage.sql("select value from remit_shared where key = ? and expires > ?",
                                 (self.prefix + key, time.time()), results=True)
        return found[0][0] if found else None

    def forget_all(self) -> None:
        self.storage.sql("delete from remit_shared where key like ?", (self.prefix + "%",),
                         commit=True)


class MemoryValues:
    """In process, kept in the in-memory queue's own store (so flushing it, as the tests do
    between tests, forgets these too), behind one lock."""

    def __init__(self, storage, prefix: str) -> None:
        self.storage, self.prefix = storage, prefix
        self._lock = threading.Lock()

    def _get(self, key: str) -> tuple[str, float] | None:
        found = self.storage.peek_data(self.prefix + key)
        if found is EmptyData or found[1] <= time.time():
            return None
        return found

    def _set(self, key: str, value: str, expires: float) -> None:
        self.storage.put_data(self.prefix + key, (value, expires))

    def take(self, key: str, token: str, ttl: float) -> bool:
        with self._lock:
            if self._get(key) is not None:
                return False
            self._set(key, token, time.time() + ttl)
            return True

    def give_back(self, key: str, token: str) -> bool:
        with self._lock:
            found = self._get(key)
            if found is None or found[0] != token:
                return False
            self.storage.pop_data(self.prefix + key)
            return True

    def extend(self, key: str, token: str, ttl: float) -> bool:
        with self._lock:
            found = self._get(key)
            if found is None or found[0] != token:
                return False
            self._set(key, token, time.time() + ttl)
            return True

    def count(self, key: str, ttl: float) -> int:
        with self._lock:
            found = self._get(key)
            value, expires = found if found else ("0", time.time() + ttl)
            self._set(key, str(int(value) + 1), expires)
            return int(value) + 1

    def take_one(self, key: str) -> int | None:
        with self._lock:
            found = self._get(key)
            if found is None:
                return None
            self._set(key, str(int(found[0]) - 1), found[1])
            return int(found[0]) - 1

    def raise_to(self, key: str, value: float, ttl: float) -> None:
        with self._lock:
            found = self._get(key)
            if found is None or value > float(found[0]):
                self._set(key, repr(value), time.time() + ttl)

    def put(self, key: str, value: str, ttl: float) -> None:
        with self._lock:
            self._set(key, value, time.time() + ttl)

    def read(self, key: str) -> str | None:
        found = self._get(key)
        return found[0] if found else None

    def forget_all(self) -> None:
        with self._lock:
            for key in list(self.storage.result_items()):
                if key.startswith(self.prefix):
                    self.storage.pop_data(key)


def build(queue=huey):
    """The store beside `queue`'s storage."""
    prefix = f"remit.{queue.name}.shared."
    if isinstance(queue.storage, RedisStorage):
        return RedisValues(queue.storage, prefix)
    if isinstance(queue.storage, SqliteStorage):
        return SqliteValues(queue.storage, prefix)
    return MemoryValues(queue.storage, prefix)


class _BesideTheQueue:
    """The store beside the queue's storage as it is now: the app swaps a Redis or SQLite
    queue for an in-memory one when told to run tasks inline (REMIT_HUEY_IMMEDIATE)."""

    def __init__(self) -> None:
        self._built: tuple[object, object] | None = None

    def __getattr__(self, name: str):
        if self._built is None or self._built[0] is not huey.storage:
            self._built = (huey.storage, build(huey))
        return getattr(self._built[1], name)


values = _BesideTheQueue()
