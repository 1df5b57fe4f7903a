"""The Intuit stand-in's controls over its state as a whole: failures forced on the next API
answers, and the reset to the seed.

Kept apart from quickbooks.py (the API routes) so the console (quickbooks_console.py) can reset
the stand-in without importing the module that registers it: the imports run one way.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from flask import Response

from sandbox import quickbooks_data, quickbooks_oauth, quickbooks_payments
from sandbox.outages import Outage
from sandbox.quickbooks_oauth import SERVER
from sandbox.quickbooks_wire import FAILURES, throttled, unavailable

_forced: deque[str] = deque()
# A timed throttle or outage of the whole Accounting API (start_outage).
OUTAGE = Outage()
# Realm -> epoch times of its Accounting API requests, to measure a drain's rate. (The
# stand-in does not enforce Intuit's 500 requests a minute per company.)
_calls: dict[str, list[float]] = {}
_calls_lock = threading.Lock()
# Forced failures the Accounting service itself answers (not its gateway): a create's requestid
# keeps them like any other answer.
SERVICE_FAILURES = frozenset({"5010"})
# The writes: where a stale object answers.
WRITE_ENDPOINTS = frozenset({"quickbooks.create_payment", "quickbooks.create_transaction"})


def reset() -> None:
    """Seed companies, no connections, no remembered requestids, Intuit's token lifetimes, no
    forced failures."""
    quickbooks_data.reset()
    quickbooks_payments.reset()
    quickbooks_oauth.reset()
    _forced.clear()
    OUTAGE.stop()
    with _calls_lock:
        _calls.clear()


def count_call(realm: str) -> None:
    with _calls_lock:
        _calls.setdefault(realm, []).append(time.time())


def call_times(realm: str) -> list[float]:
    with _calls_lock:
        return list(_calls.get(realm, ()))


def start_outage(answer: str, seconds: float) -> None:
    """Every Accounting API answer a throttle ("429", Retry-After the seconds left) or an
    outage ("503") for `seconds`; ValueError for anything else."""
    OUTAGE.start(answer, seconds)


def outage_answer() -> Response | None:
    """What the gate answers while a timed throttle or outage lasts."""
    trouble = OUTAGE.current()
    if trouble is None:
        return None
    answer, left = trouble
    return throttled(left) if answer == "429" else unavailable()


def expire_access_tokens() -> None:
    """As an hour passing: every access token is refused, refresh tokens still work."""
    SERVER.expire_access_tokens()


def revoke_all() -> None:
    """As every user disconnecting the app inside QuickBooks: refresh fails with invalid_grant."""
    SERVER.revoke_all()


def force_next(answer: str) -> None:
    """Make the next API answer a failure: "401", "429" (throttle, Retry-After 60), "503" or
    "5010" (a stale object: someone else saved what the request touches; it is the next
    create's answer (a payment, journal, deposit, transfer or refund receipt), and its
    requestid keeps it)."""
    if answer not in FAILURES:
        raise ValueError(f"unknown sandbox failure {answer!r}; choose from {sorted(FAILURES)}")
    _forced.append(answer)


def next_forced(endpoint: str | None) -> str | None:
    """The next forced failure for a request to `endpoint`; a stale object waits for the next
    create, so reads before it go through."""
    if not _forced:
        return None
    if _forced[0] in SERVICE_FAILURES and endpoint not in WRITE_ENDPOINTS:
        return None
    return _forced.popleft()
