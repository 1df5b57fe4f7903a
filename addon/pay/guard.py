"""What keeps a public pay link from costing the company: a per-link request budget and a
brief cache of the ledger's invoice read, both in the queue's storage (Redis or SQLite), so
every web process shares them (the same mechanism as addon/posting/limits.py)."""

from __future__ import annotations

import hashlib
import time

from huey.exceptions import RateLimitExceeded

from addon.queue import huey
from connectors.base import Invoice

REQUESTS_PER_WINDOW = 30
WINDOW_SECONDS = 600
INVOICE_CACHE_SECONDS = 60


class TooManyRequests(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__("too many requests for this pay link")
        self.retry_after = retry_after


def spend(company_id: int, invoice_id: str) -> None:
    """Count one request for this link's invoice, or TooManyRequests."""
    try:
        huey.rate_limit(f"pay-{_key(company_id, invoice_id)}", REQUESTS_PER_WINDOW,
                        WINDOW_SECONDS).acquire()
    except RateLimitExceeded as exceeded:
        raise TooManyRequests(max(1.0, float(exceeded.delay or WINDOW_SECONDS))) from None


def cached_invoice(company_id: int, invoice_id: str, read) -> tuple[Invoice, float]:
    """The invoice and when the ledger was read (Unix time): `read()` at most once a
    minute per company and invoice."""
    key = f"pay-invoice-{_key(company_id, invoice_id)}"
    kept = huey.get(key, peek=True)
    now = time.time()
    if kept is not None and now - kept[0] < INVOICE_CACHE_SECONDS:
        return kept[1], kept[0]
    invoice = read()
    huey.put(key, (now, invoice))
    return invoice, now


def forget_invoice(company_id: int, invoice_id: str) -> None:
    """Read the ledger again next time (a payment changed what is due)."""
    huey.delete(f"pay-invoice-{_key(company_id, invoice_id)}")


def _key(company_id: int, invoice_id: str) -> str:
    return hashlib.sha256(f"{company_id}:{invoice_id}".encode()).hexdigest()[:32]
