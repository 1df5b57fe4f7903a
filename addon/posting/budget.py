"""Each company's ledger calls, counted and held back together by every web and worker process
(shared.py), as the platform tells.

Every HTTP call a connector built by addon.ledger.connector_for makes (pay-page invoice reads,
refreshes, pay-link searches, postings, token refreshes) passes `CompanyCalls.before` once: a
paused company's call is refused before anything is sent (RateLimited, saying how long), and
otherwise it is counted against the platform descriptor's documented calls a minute (the
budget where the platform states nothing, as Intuit does not). Each answer then tells: Xero's
remaining minute and day counts are kept per tenant, every call until the next answer draws
on the minute's (so workers with calls in flight do not overshoot it together), and a count
at zero pauses the company for a window; a throttle (Xero's 429 with X-Rate-Limit-Problem,
Intuit's 429 / fault 3001) pauses it until the platform's Retry-After (the connector fills
in the vendor's documented wait when none is sent). A pause holds every process: postings
wait (their task is retried when it ends), pay pages say when to come back.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager

from addon import platforms
from addon.models import Company
from addon.ops import metrics
from addon.posting import ledger_lock, shared
from connectors import calls
from connectors.base import RateLimited

WINDOW_SECONDS = 60  # the platforms' budgets are per minute
DAY_SECONDS = 86_400
now = time.time  # the clock pauses and windows are read with (tests move it)


class Paused(RateLimited):
    """Remit itself held the call back: the company's ledger asked it to wait, or its minute's
    budget is spent. Nothing was sent."""


def tenant(company: Company) -> str:
    return f"{company.platform}.{company.external_id}"


def paused_for(company: Company) -> float | None:
    """Seconds until the company's ledger may be called again, None when it may be now."""
    until = shared.values.read(f"pause.{tenant(company)}")
    left = float(until) - now() if until is not None else 0.0
    return left if left > 0 else None


def pause(company_tenant: str, seconds: float) -> None:
    """No call to this tenant's ledger from any process for `seconds` (a longer pause already
    set stands)."""
    shared.values.raise_to(f"pause.{company_tenant}", now() + seconds, seconds + 1)


def remaining(company: Company) -> dict[str, int]:
    """What the platform last said was left of its minute and day, where it says so."""
    found = {}
    for period in ("minute", "day"):
        value = shared.values.read(f"remaining.{period}.{tenant(company)}")
        if value is not None:
            found[period] = int(value)
    return found


class CompanyCalls:
    """The observer (connectors/calls.py) of one company's connector."""

    def __init__(self, company: Company) -> None:
        self.platform = company.platform
        self.tenant = tenant(company)
        self.limit = platforms.get(company.platform).calls_per_minute

    def before(self) -> None:
        until = shared.values.read(f"pause.{self.tenant}")
        if until is not None and float(until) > now():
            wait = math.ceil(float(until) - now())
            raise Paused(f"Remit is holding calls to this ledger for {wait} s, as it asked.",
                         wait)
        left = shared.values.take_one(f"remaining.minute.{self.tenant}")
        if left is not None and left < 0:  # the platform's own count, spent by every worker
            pause(self.tenant, WINDOW_SECONDS)
            raise Paused(f"The ledger's calls for this minute are spent; Remit waits "
                         f"{WINDOW_SECONDS} s.", WINDOW_SECONDS)
        window = int(now() // WINDOW_SECONDS)
        used = shared.values.count(f"calls.{self.tenant}.{window}", 2 * WINDOW_SECONDS)
        if used > self.limit:
            wait = math.ceil((window + 1) * WINDOW_SECONDS - now())
            raise Paused(f"This company's {self.limit} ledger calls a minute are spent; the "
                         f"next window opens in {wait} s.", wait)
        ledger_lock.keep_alive()
        metrics.ledger_call(self.platform)

    def after(self, answer: calls.Answer) -> None:
        for period, value, ttl in (("minute", answer.minute_remaining, WINDOW_SECONDS),
                                   ("day", answer.day_remaining, DAY_SECONDS)):
            if value is not None:
                shared.values.put(f"remaining.{period}.{self.tenant}", str(value), ttl)
        if answer.throttled:
            metrics.ledger_throttled(self.platform)
            pause(self.tenant, answer.retry_after or WINDOW_SECONDS)
        elif answer.minute_remaining == 0 or answer.day_remaining == 0:
            # Nothing left: the next call would be refused. Xero's windows reset per tenant
            # at times it does not say, so wait one window (a 429 then says how long).
            pause(self.tenant, WINDOW_SECONDS)


@contextmanager
def observing(company: Company) -> Iterator[None]:
    """Every ledger call made inside is one of `company`'s."""
    with calls.observed_by(CompanyCalls(company)):
        yield
