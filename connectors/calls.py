"""The one hook every ledger HTTP call goes through, so whoever builds a connector can count
its calls and hold them back (the add-on's shared per-company budget) without the connectors
knowing who listens.

The caller installs an observer around its use of a connector (`observed_by`); each
connector's transport calls `calling()` just before a request leaves (the observer may refuse
it by raising RateLimited: nothing is sent) and `answered()` with what the platform said about
its limits, read from the answer by the transport that knows the vendor's headers. With no
observer installed both do nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Answer:
    """What one answer told about the platform's limits, in no vendor's words.

    `throttled`: the platform refused the call for too many requests; `retry_after`: seconds
    to wait (the vendor's header, or its documented wait when it sends none); the remaining
    counts are None when the platform does not send them."""

    status: int
    throttled: bool = False
    retry_after: float | None = None
    minute_remaining: int | None = None
    day_remaining: int | None = None


class CallObserver(Protocol):
    def before(self) -> None:
        """A call is about to be sent; raise connectors.base.RateLimited to refuse it."""

    def after(self, answer: Answer) -> None:
        """The platform answered (any status)."""


_observer: ContextVar[CallObserver | None] = ContextVar("ledger_call_observer", default=None)


@contextmanager
def observed_by(observer: CallObserver) -> Iterator[None]:
    """Every ledger call made inside goes through `observer`."""
    token = _observer.set(observer)
    try:
        yield
    finally:
        _observer.reset(token)


def calling() -> None:
    observer = _observer.get()
    if observer is not None:
        observer.before()


def answered(answer: Answer) -> None:
    observer = _observer.get()
    if observer is not None:
        observer.after(answer)


def header_int(value: str | None) -> int | None:
    """A count from a header (e.g. "58"), None when absent or not a number."""
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def header_seconds(value: str | None) -> float | None:
    """Seconds from a delta-seconds Retry-After header, None when absent or not a number."""
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
