"""Per-company budget of ledger calls, shared by every worker through the queue's storage
(Redis or SQLite counters), at the rate each platform's descriptor allows (QuickBooks 500
requests a minute per company, Xero 60).
Writes for one company also run one at a time (a shared lock), within Xero's five concurrent
calls and Intuit's per-company concurrency alike.

A posting makes about CALLS_PER_POSTING calls (two account checks, the invoice read, the
payment write, now and then a token refresh), so the budget is counted in postings. Over
budget, the task is retried when the minute's window resets; nothing is lost.
"""

from __future__ import annotations

from addon import platforms
from addon.models import Company
from addon.queue import huey

CALLS_PER_POSTING = 5
WINDOW_SECONDS = 60


def postings_per_minute(platform: str) -> int:
    """The platform's calls a minute (its descriptor's budget), counted in postings."""
    return platforms.get(platform).postings_per_minute(CALLS_PER_POSTING)


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



