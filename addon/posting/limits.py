"""Per-company budget of ledger calls, shared by every worker through the queue's storage
(Redis or SQLite counters): QuickBooks allows 500 requests a minute per company, Xero 60.
Writes for one company also run one at a time (a shared lock), within Xero's five concurrent
calls and Intuit's per-company concurrency alike.

A posting makes about CALLS_PER_POSTING calls (two account checks, the invoice read, the
payment write, now and then a token refresh), so the budget is counted in postings. Over
budget, the task is retried when the minute's window resets; nothing is lost.
"""

from __future__ import annotations

from addon.models import Company, Platform
from addon.queue import huey

CALLS_PER_MINUTE = {Platform.QUICKBOOKS: 500, Platform.XERO: 60}
CALLS_PER_POSTING = 5
WINDOW_SECONDS = 60


def postings_per_minute(platform: Platform) -> int:
    return max(1, CALLS_PER_MINUTE[platform] // CALLS_PER_POSTING)


def limiter(company: Company):
    return huey.rate_limit(f"ledger-{company.id}", postings_per_minute(company.platform),
                           WINDOW_SECONDS)


def one_at_a_time(company: Company):
    """Held while a posting talks to the ledger; a second worker gets TaskLockedException and
    its task is retried later (the periodic sweep catches one that ran out of retries)."""
    return huey.lock_task(f"ledger-lock-{company.id}")


def acquire(company: Company) -> None:
    """Take one posting from the company's budget, or raise RateLimitExceeded (retry later)."""
    limiter(company).acquire()



