"""Every Xero call shown to the caller's observer (connectors/calls.py), with the limits Xero
states on each answer (reference §3.1): X-MinLimit-Remaining and X-DayLimit-Remaining per
tenant, and on a 429 the X-Rate-Limit-Problem with Retry-After."""

from __future__ import annotations

from collections.abc import Callable

from connectors import calls

# Xero sends Retry-After for the minute and day limits; for the others (concurrent, app
# minute) it may not: wait out a minute, the longest window that can be meant.
THROTTLE_WAIT_SECONDS = 60.0


def answer(status: int, header: Callable[[str], str | None]) -> calls.Answer:
    """`header(name)` reads one header of the answer (urllib3's and requests' alike)."""
    throttled = status == 429
    wait = calls.header_seconds(header("Retry-After"))
    return calls.Answer(status, throttled,
                        (wait if wait is not None else THROTTLE_WAIT_SECONDS) if throttled
                        else None,
                        calls.header_int(header("X-MinLimit-Remaining")),
                        calls.header_int(header("X-DayLimit-Remaining")))


def observe(pool_manager) -> None:
    """Route the urllib3 pool manager xero-python sends through (every SDK call) past the
    observer. The class's own `request` is looked up per call, so a test patching
    urllib3.PoolManager still sees the calls."""

    def request(*args, **kwargs):
        calls.calling()
        response = type(pool_manager).request(pool_manager, *args, **kwargs)
        calls.answered(answer(response.status, response.headers.get))
        return response

    pool_manager.request = request
