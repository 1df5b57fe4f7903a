"""Idempotency keys as the vendors keep them, once for every stand-in: the first answer given to
a key (within its scope: a Stripe account, an Intuit realm, a Xero organisation) is kept and
given again, byte for byte, to every repeat of that key, which then runs nothing.

What is kept is the vendor's choice (`keep`): Stripe keeps what ran (reference stripe.md §2.6),
Intuit replays the original response of a `requestid`, faults included (quickbooks.md §2.9),
and the Xero stand-in does the same [verify] (xero.md §2.8: undocumented). How a repeat is
answered is too (`replay`): Stripe marks it and refuses a key reused with other parameters.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import Response


@dataclass(frozen=True)
class Kept:
    """The first answer to a key, and what the request that got it looked like."""

    status: int
    data: bytes
    content_type: str
    headers: dict[str, str]
    fingerprint: Hashable
    at: datetime

    def response(self) -> Response:
        return Response(self.data, status=self.status, content_type=self.content_type)


@dataclass
class Replays:
    """Answers kept per (scope, key). The lock is held while a keyed request runs, so a twin
    sent meanwhile waits and gets the replay instead of running twice."""

    keep: Callable[[Response], bool] = lambda response: True
    window: timedelta | None = None  # None: until reset()
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    _kept: dict[Hashable, Kept] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self._lock:
            self._kept.clear()

    def kept(self, scope: Hashable, key: str) -> Kept | None:
        """The answer kept for `key`, while its window lasts."""
        found = self._kept.get((scope, key))
        if found is None or (self.window is not None and
                             self.clock() - found.at > self.window):
            return None
        return found

    def once(self, scope: Hashable, key: str | None, run: Callable[[], Response],
             fingerprint: Hashable = None,
             replay: Callable[[Kept], Response] = Kept.response) -> Response:
        """`run()`'s answer, or `replay(kept)` when `key` was answered before (no key: run)."""
        if not key:
            return run()
        with self._lock:
            found = self.kept(scope, key)
            if found is None:
                response = run()
                if self.keep(response):
                    self._kept[(scope, key)] = Kept(
                        response.status_code, response.get_data(), response.content_type or "",
                        dict(response.headers), fingerprint, self.clock())
                return response
        return replay(found)
