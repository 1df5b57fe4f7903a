"""Balance entries and posting facts as the runner stores them (design.md, "Postings")."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from addon.reconcile.rows import PostingFacts
from gateways.base import BalanceEntry
from gateways.stripe import exponent  # the gateway's own table: JPY 0, KWD 3

EXPONENT = exponent
WHEN = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def entry(id: str, category: str, amount: int, fee: int = 0, currency: str = "USD",
          source: str | None = None, payment: str | None = None,
          rate: str | None = None) -> dict:
    return BalanceEntry(id=id, type=category, category=category, currency=currency,
                        amount_minor=amount, fee_minor=fee, net_minor=amount - fee,
                        exchange_rate=Decimal(rate) if rate else None, source_id=source,
                        payment_id=payment, created_at=WHEN).as_payload()


def charge(n: int, amount: int, fee: int, currency: str = "USD", **kw) -> dict:
    return entry(f"txn_ch{n}", "payment", amount, fee, currency, source=f"ch_{n}",
                 payment=f"pi_{n}", **kw)


def payout(id: str, entries: list[dict], currency: str = "USD", status: str = "done",
           reconciled: bool = True, payout_status: str = "paid",
           arrival: str = "2026-11-03", ledger: str | None = "D1",
           error: str | None = None) -> PostingFacts:
    """The payout posting; its own (payout) entry is added to the listed ones."""
    net = sum(e["net_minor"] for e in entries)
    own = entry(f"txn_{id}", "payout", -net, currency=currency, source=id)
    return PostingFacts(
        kind="payout", source_id=id, status=status, amount_minor=net, currency=currency,
        ledger_object_id=ledger if status == "done" else None, error=error,
        payload={"payout": {"status": payout_status, "reconciled": reconciled,
                            "arrival_date": arrival, "automatic": True},
                 "entries": [*entries, own] if reconciled else []})


def posting(kind: str, source: str, amount: int, currency: str = "USD", status: str = "done",
            ledger: str | None = "L", error: str | None = None,
            payload: dict | None = None) -> PostingFacts:
    return PostingFacts(kind=kind, source_id=source, status=status, amount_minor=amount,
                        currency=currency, ledger_object_id=ledger if status == "done" else None,
                        error=error, payload=payload)


def by_key(*postings: PostingFacts) -> dict:
    return {(p.kind, p.source_id): p for p in postings}


def answered(*charges: dict) -> list[PostingFacts]:
    """Payment and fee postings, done, recording each charge exactly."""
    found = []
    for c in charges:
        found.append(posting("payment", c["payment_id"], c["amount_minor"], c["currency"]))
        if c["fee_minor"]:
            found.append(posting("fee", c["id"], c["fee_minor"], c["currency"]))
    return found
