"""The Stripe stand-in's balance: a balance transaction per succeeded charge, with a fee, and
automatic payouts of the available balance per currency (reference §2.2-§2.4), in the shapes of
Stripe's fixtures (`balance_transaction`, `payout`).

A charge settles in the account's settlement currency (sandbox/stripe_fx.py: converted, with
`exchange_rate`, when that is not the charge's). Charge funds become available `AVAILABLE_AFTER`
seconds after the charge; refunds and dispute adjustments (stripe_refunds.py,
stripe_disputes.py) at once. A payout takes every available transaction not paid out yet, in
one currency, and adds its own `type: "payout"` transaction (minus the sum of the nets), so a
payout's transactions sum to zero (Stripe's reconciliation report). A failed or canceled payout
gives its amount back with a `payout_failure` / `payout_cancel` transaction that the next payout
takes.

Scenario (`set_scenario`): where a charge's `balance_transaction` id first shows — "none" (never
on the events: what the stand-in always did, the default), "succeeded" (already on
`charge.succeeded`, synchronous capture) or "updated" (null on `charge.succeeded`, then a
`charge.updated` carrying it: async capture, reference §2.2).
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sandbox import stripe_fx as fx
from sandbox import stripe_objects as objects

AVAILABLE_AFTER = 2 * 24 * 3600
ARRIVAL_AFTER = 24 * 3600
# The stand-in's OWN fee schedule (percent, fixed part in minor units), shaped like Stripe's
# published card pricing (https://stripe.com/pricing): not a quote of any real account's rates.
FEES = {"usd": (Decimal("2.9"), 30), "eur": (Decimal("1.5"), 25), "gbp": (Decimal("1.5"), 20),
        "jpy": (Decimal("3.6"), 0), "kwd": (Decimal("2.9"), 100)}
DEFAULT_FEE = (Decimal("2.9"), 0)
BANK_ACCOUNT = "ba_1RemitSandboxBank01"
BALANCE_TRANSACTION_ON = ("none", "succeeded", "updated")
# What a payout takes: everything but payouts' own transactions.
PAID_OUT = ("charge", "refund", "adjustment", "payout_failure", "payout_cancel")
clock = time.time  # tests move time forward by replacing it
_lock = threading.RLock()


@dataclass
class _Held:
    account_id: str
    obj: dict
    payout: str | None = None  # the payout that took it


_transactions: dict[str, _Held] = {}
_payouts: dict[str, _Held] = {}
_scenario = {"balance_transaction_on": "none"}


def reset() -> None:
    with _lock:
        _transactions.clear()
        _payouts.clear()
        _scenario["balance_transaction_on"] = "none"


def set_scenario(balance_transaction_on: str) -> None:
    if balance_transaction_on not in BALANCE_TRANSACTION_ON:
        raise ValueError(f"balance_transaction_on: choose from {BALANCE_TRANSACTION_ON}")
    with _lock:
        _scenario["balance_transaction_on"] = balance_transaction_on


def balance_transaction_on() -> str:
    return _scenario["balance_transaction_on"]


def fee(amount: int, currency: str) -> int:
    """The stand-in's fee on a card charge, in minor units (half up, as a whole minor unit)."""
    percent, fixed = FEES.get(currency, DEFAULT_FEE)
    share = (Decimal(amount) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(share) + fixed


def record_charge(account_id: str, charge: dict) -> dict:
    """The pending balance transaction of a succeeded charge, in the account's settlement
    currency (converted at the rate of now when it is not the charge's), its fee on the
    settled amount."""
    amount, currency, exchange_rate = fx.settle(account_id, charge["amount"], charge["currency"])
    charged = fee(amount, currency)
    return record(account_id, amount=amount, currency=currency, created=charge["created"],
                  fee=charged, fee_details=[stripe_fee(charged, currency)],
                  source=charge["id"], kind="charge", description=charge.get("description"),
                  exchange_rate=exchange_rate)


def stripe_fee(amount: int, currency: str, description: str = "Stripe processing fees"
               ) -> dict:
    return {"amount": amount, "application": None, "currency": currency,
            "description": description, "type": "stripe_fee"}


def record(account_id: str, *, amount: int, currency: str, created: int, fee: int,
           fee_details: list, source: str, kind: str, description: str | None,
           reporting_category: str | None = None, exchange_rate: float | None = None,
           available_on: int | None = None) -> dict:
    """A new balance transaction of the account (refunds, disputes: the caller's amounts)."""
    made = _transaction(amount=amount, currency=currency, created=created, fee=fee,
                        fee_details=fee_details, source=source, kind=kind,
                        description=description, available_on=available_on)
    made["exchange_rate"] = exchange_rate
    made["reporting_category"] = reporting_category or kind
    with _lock:
        _transactions[made["id"]] = _Held(account_id, made)
    return copy.deepcopy(made)


def _transaction(*, amount: int, currency: str, created: int, fee: int, fee_details: list,
                 source: str, kind: str, description: str | None,
                 available_on: int | None = None) -> dict:
    return {"id": objects.new_id("txn_1Remit"), "object": "balance_transaction",
            "amount": amount,
            "available_on": created + AVAILABLE_AFTER if available_on is None else available_on,
            "balance_type": "payments", "created": created, "currency": currency,
            "description": description, "exchange_rate": None, "fee": fee,
            "fee_details": fee_details, "net": amount - fee, "reporting_category": kind,
            "source": source, "status": "pending", "type": kind}


def balance(account_id: str) -> dict[str, dict[str, int]]:
    """The account's funds per currency: {"available": {currency: minor}, "pending": {...}},
    the sums of its transactions' nets by status (a payout's own transaction takes its amount
    out of available at once, a failed payout's gives it back)."""
    sums: dict[str, dict[str, int]] = {"available": {}, "pending": {}}
    with _lock:
        for held in _transactions.values():
            if held.account_id == account_id:
                now = _current(held)
                by_currency = sums[now["status"]]
                by_currency[now["currency"]] = by_currency.get(now["currency"], 0) + now["net"]
    return sums


def _current(held: _Held) -> dict:
    """The transaction as of now: available once its `available_on` has passed."""
    if held.obj["status"] == "pending" and clock() >= held.obj["available_on"]:
        held.obj["status"] = "available"
    return copy.deepcopy(held.obj)


def transaction(account_id: str, transaction_id: str) -> dict | None:
    with _lock:
        held = _transactions.get(transaction_id)
        return _current(held) if held and held.account_id == account_id else None


def transactions(account_id: str, *, payout: str | None = None) -> list[dict]:
    """The account's transactions, newest first (Stripe's list order); with `payout`, those it
    paid out and its own."""
    with _lock:
        chosen = [held for held in _transactions.values() if held.account_id == account_id
                  and (payout is None or held.payout == payout)]
        return [_current(held) for held in reversed(chosen)]


def make_available(account_id: str) -> int:
    """Sandbox control, as if the settlement delay had passed: the account's pending charge
    funds become available now. How many."""
    now = int(clock())
    with _lock:
        pending = [held for held in _transactions.values()
                   if held.account_id == account_id and _current(held)["status"] == "pending"]
        for held in pending:
            held.obj["available_on"] = now
        return len(pending)


def pay_out(account_id: str) -> list[dict]:
    """An automatic payout per currency of the available balance not paid out yet (charges,
    refunds, dispute adjustments, failed payouts' returns): in transit, reconciliation in
    progress. A currency whose available funds do not add up to more than zero waits. [] when
    nothing is paid out."""
    now = int(clock())
    made: list[dict] = []
    with _lock:
        by_currency: dict[str, list[_Held]] = {}
        for held in _transactions.values():
            if (held.account_id == account_id and held.payout is None
                    and held.obj["type"] in PAID_OUT and _current(held)["status"] == "available"):
                by_currency.setdefault(held.obj["currency"], []).append(held)
        for currency, taken in sorted(by_currency.items()):
            amount = sum(held.obj["net"] for held in taken)
            if amount <= 0:
                continue
            payout_id = objects.new_id("po_1Remit")
            own = _transaction(amount=-amount, currency=currency, created=now, fee=0,
                               fee_details=[], source=payout_id, kind="payout",
                               description="STRIPE PAYOUT", available_on=now)
            _transactions[own["id"]] = _Held(account_id, own, payout_id)
            for held in taken:
                held.payout = payout_id
            payout = _payout(payout_id, amount, currency, now, own["id"])
            _payouts[payout_id] = _Held(account_id, payout, payout_id)
            made.append(copy.deepcopy(payout))
    return made


def _payout(payout_id: str, amount: int, currency: str, now: int, own: str) -> dict:
    return {"id": payout_id, "object": "payout", "amount": amount, "application_fee": None,
            "application_fee_amount": None, "arrival_date": now + ARRIVAL_AFTER,
            "automatic": True, "balance_transaction": own, "created": now,
            "currency": currency, "description": "STRIPE PAYOUT", "destination": BANK_ACCOUNT,
            "failure_balance_transaction": None, "failure_code": None,
            "failure_message": None, "livemode": False, "metadata": {}, "method": "standard",
            "original_payout": None, "reconciliation_status": "in_progress",
            "reversed_by": None, "source_type": "card", "statement_descriptor": None,
            "status": "in_transit", "type": "bank_account",
            "trace_id": {"status": "pending", "value": None}}


def settle(payout_id: str, outcome: str = "paid") -> dict:
    """The bank's answer to an in-transit payout: "paid" (reconciliation completes), "failed"
    (the funds come back with a `payout_failure` transaction, which the next payout takes) or
    "canceled" (`payout_cancel`). A paid payout may still fail later, as at Stripe (the bank
    returns it). LookupError, or ValueError when the outcome no longer applies."""
    if outcome not in ("paid", "failed", "canceled"):
        raise ValueError(f"outcome: paid, failed or canceled, not {outcome!r}")
    with _lock:
        held = _payouts.get(payout_id)
        if held is None:
            raise LookupError(payout_id)
        payout = held.obj
        if payout["status"] != "in_transit" and (payout["status"], outcome) != ("paid",
                                                                                "failed"):
            raise ValueError(f"{payout_id} is {payout['status']}")
        payout["status"] = outcome
        if outcome == "paid":
            payout["reconciliation_status"] = "completed"
            payout["trace_id"] = {"status": "supported", "value": "REMITSANDBOX" + payout_id[-8:]}
        else:
            back = _transaction(amount=payout["amount"], currency=payout["currency"],
                                created=int(clock()), fee=0, fee_details=[], source=payout_id,
                                kind="payout_failure" if outcome == "failed" else "payout_cancel",
                                description="STRIPE PAYOUT", available_on=int(clock()))
            back["reporting_category"] = "payout_reversal"
            _transactions[back["id"]] = _Held(held.account_id, back)
            payout["failure_balance_transaction"] = back["id"]
            if outcome == "failed":
                payout["failure_code"] = "account_closed"
                payout["failure_message"] = "The bank account has been closed."
        return copy.deepcopy(payout)


def payout(account_id: str, payout_id: str) -> dict | None:
    with _lock:
        held = _payouts.get(payout_id)
        return copy.deepcopy(held.obj) if held and held.account_id == account_id else None


def payouts() -> list[dict]:
    """Every payout, newest first (the console)."""
    with _lock:
        return [copy.deepcopy(held.obj) for held in reversed(_payouts.values())]


def payout_account(payout_id: str) -> str | None:
    with _lock:
        held = _payouts.get(payout_id)
        return held.account_id if held else None
