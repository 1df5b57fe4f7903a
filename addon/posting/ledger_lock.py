"""One write at a time per company, across every worker: a courtesy to the ledger's
concurrency limits (Xero's five concurrent calls, Intuit's per-company ones), never what makes
a posting exactly-once (the idempotency keys do that, so a lock that lapsed can cost a second
concurrent request, never a second payment).

The lock expires: a worker killed mid-posting (SIGKILL, a lost host) leaves it held for at most
the TTL, not for ever as Huey's own lock_task did. The TTL covers a few calls at their worst
(each call's connect and read may each take the connectors' HTTP_TIMEOUT), and the holder
extends it before every ledger call it makes (budget.py calls `keep_alive`), so a long posting
keeps its lock while a dead one loses it quickly. Only the holder's token releases it: a holder
whose lock lapsed and was taken by another worker cannot free the new holder's.
"""

from __future__ import annotations

import logging
import uuid
from contextvars import ContextVar

from flask import current_app
from huey.exceptions import TaskLockedException

from addon.models import Company
from addon.posting import shared

log = logging.getLogger(__name__)
# The lock outlives this many calls at their worst (connect + read timeouts) without renewal.
CALLS_OF_SLACK = 3

_held: ContextVar[LedgerLock | None] = ContextVar("ledger_lock", default=None)


def ttl_seconds() -> float:
    return CALLS_OF_SLACK * 2 * float(current_app.config["HTTP_TIMEOUT"])


class LedgerLock:
    """Take with `acquire()` (TaskLockedException when another holder has it), give back with
    `release()`; `queue.held()` waits for it like for any lock."""

    def __init__(self, name: str, ttl: float) -> None:
        self.key = f"ledger-lock.{name}"
        self.ttl = ttl
        self.token = uuid.uuid4().hex
        self._context = None

    def acquire(self) -> bool:
        if not shared.values.take(self.key, self.token, self.ttl):
            raise TaskLockedException(f"unable to acquire lock {self.key}")
        self._context = _held.set(self)
        return True

    def release(self) -> bool:
        if self._context is not None:
            _held.reset(self._context)
            self._context = None
        released = shared.values.give_back(self.key, self.token)
        if not released:
            log.warning("lock %s had lapsed before its holder released it", self.key)
        return released

    def extend(self) -> bool:
        return shared.values.extend(self.key, self.token, self.ttl)


def for_company(company: Company) -> LedgerLock:
    """The write lock of the company's ledger tenant."""
    return LedgerLock(f"{company.platform}.{company.external_id}", ttl_seconds())


def keep_alive() -> None:
    """Before a ledger call made under a held lock: it lasts another TTL from now."""
    lock = _held.get()
    if lock is not None and not lock.extend():
        log.warning("lock %s lapsed during the posting; continuing (the write is idempotent)",
                    lock.key)
