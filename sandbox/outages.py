"""A ledger stand-in's timed trouble: every API answer is a throttle (429) or an outage (503)
until a moment, as when a platform rate-limits an app for a while or goes down for minutes.

One Outage per stand-in, set through its control endpoint; the API gate asks it before anything
else. A throttle's Retry-After is the whole seconds left (what a vendor's limit reset says);
an outage carries none, as Intuit's and Xero's edges answer a 503.
"""

from __future__ import annotations

import math
import threading
import time

ANSWERS = frozenset({"429", "503"})
LONGEST = 3600  # seconds: a control asking for more is a mistake, not a drill


class Outage:
    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._answer: str | None = None
        self._until = 0.0

    def start(self, answer: str, seconds: float) -> None:
        """Answer every API request with `answer` ("429" or "503") for `seconds`."""
        if answer not in ANSWERS:
            raise ValueError(f"unknown outage {answer!r}; choose from {sorted(ANSWERS)}")
        if not 0 < seconds <= LONGEST:
            raise ValueError(f"an outage lasts more than 0 and at most {LONGEST} seconds")
        with self._lock:
            self._answer, self._until = answer, self._clock() + seconds

    def stop(self) -> None:
        with self._lock:
            self._answer, self._until = None, 0.0

    def current(self) -> tuple[str, int] | None:
        """(answer, whole seconds left) while the outage lasts, else None."""
        with self._lock:
            left = self._until - self._clock()
            if self._answer is None or left <= 0:
                return None
            return self._answer, max(1, math.ceil(left))


def seconds_given(value: object) -> float:
    """A control's `seconds` parameter, refused (ValueError) unless a finite number."""
    seconds = float(str(value))
    if not math.isfinite(seconds):
        raise ValueError("seconds must be a finite number")
    return seconds
