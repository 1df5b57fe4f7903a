"""The per-company limits a posting meets, shared by every worker: the ledger's call budget
(budget.py: every call counted, at the rate the platform's descriptor documents, held back
while the platform asked Remit to wait) and one write at a time (ledger_lock.py, an expiring
lock, within Xero's five concurrent calls and Intuit's per-company concurrency alike).

A posting whose company is paused is not tried: its task is retried when the pause ends,
with no attempt counted. Over budget mid-posting, the call is refused before it is sent and
the task is retried when the window resets; nothing is lost and nothing is written twice.
"""

from __future__ import annotations

from addon import platforms
from addon.models import Company
from addon.posting import budget, ledger_lock

WINDOW_SECONDS = budget.WINDOW_SECONDS  # the platforms' budgets are per minute

def calls_per_minute(platform: str) -> int:
    """The platform's documented calls a minute per company (its descriptor's budget)."""
    return platforms.get(platform).calls_per_minute


def one_at_a_time(company: Company) -> ledger_lock.LedgerLock:
    """Held while a posting talks to the ledger; a second worker gets TaskLockedException and
    its task is retried later (the periodic sweep catches one that ran out of retries)."""
    return ledger_lock.for_company(company)


def wait_left(company: Company) -> float | None:
    """Seconds the company's ledger asked every process to wait, None when it may be called."""
    return budget.paused_for(company)
