"""Stripe's balance objects → the gateway contract's records (reference §2.2-§2.4). Pure.

A balance transaction is what every ledger movement after the payment is derived from, so it
is read strictly: whole minor units, `net == amount - fee`, an upper-case currency, and the
exchange rate as an exact Decimal. Stripe sends the rate as a JSON number (a float once
decoded); it is read through its shortest decimal text (`str`), never with float arithmetic,
so 1.234 stays 1.234.

Categories follow Stripe's own advice for accounting: `reporting_category` when the entry has
one, else its `type`:

| reporting_category | type (fallback) | category |
|---|---|---|
| charge | charge, payment | payment |
| refund, refund_failure | refund, refund_failure, payment_refund, payment_failure_refund | refund |
| dispute, dispute_reversal | adjustment whose source is a dispute | dispute |
| payout | payout | payout |
| payout_reversal | payout_failure, payout_cancel | payout_failure |
| anything else | anything else | other |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from gateways.base import (
    CURRENCY,
    ENTRY_DISPUTE,
    ENTRY_OTHER,
    ENTRY_PAYMENT,
    ENTRY_PAYOUT,
    ENTRY_PAYOUT_FAILURE,
    ENTRY_REFUND,
    BalanceEntry,
    GatewayBalance,
    PayoutMovement,
)

BY_REPORTING_CATEGORY = {
    "charge": ENTRY_PAYMENT,
    "refund": ENTRY_REFUND, "refund_failure": ENTRY_REFUND,
    "dispute": ENTRY_DISPUTE, "dispute_reversal": ENTRY_DISPUTE,
    "payout": ENTRY_PAYOUT,
    "payout_reversal": ENTRY_PAYOUT_FAILURE,
}
BY_TYPE = {
    "charge": ENTRY_PAYMENT, "payment": ENTRY_PAYMENT,
    "refund": ENTRY_REFUND, "refund_failure": ENTRY_REFUND, "payment_refund": ENTRY_REFUND,
    "payment_failure_refund": ENTRY_REFUND,
    "payout": ENTRY_PAYOUT,
    "payout_failure": ENTRY_PAYOUT_FAILURE, "payout_cancel": ENTRY_PAYOUT_FAILURE,
}
DISPUTE_PREFIXES = ("dp_", "du_")  # a dispute's id (du_: an older kind of dispute object)
RECONCILED = "completed"  # Payout.reconciliation_status once its contents can be listed


def entry(transaction: Mapping, *, payout_id: str | None = None) -> BalanceEntry:
    """A balance transaction (its `source` an id or expanded) as a BalanceEntry; `payout_id`
    when it was listed by payout. ValueError when it is not a readable balance transaction."""
    if transaction.get("object") not in (None, "balance_transaction"):
        raise ValueError(f"not a balance transaction: {transaction.get('object')!r}")
    entry_id = _text(transaction.get("id"), "id", prefix="txn_")
    amount, fee, net = (_whole(transaction.get(field), f"{entry_id} {field}")
                        for field in ("amount", "fee", "net"))
    if net != amount - fee:
        raise ValueError(f"{entry_id}: net {net} is not amount {amount} minus fee {fee}")
    kind = _text(transaction.get("type"), f"{entry_id} type")
    source = transaction.get("source")
    available = transaction.get("available_on")
    return BalanceEntry(
        id=entry_id, type=kind, category=category(transaction), amount_minor=amount,
        currency=currency_of(transaction, entry_id), fee_minor=fee, net_minor=net,
        exchange_rate=exchange_rate(transaction.get("exchange_rate"), entry_id),
        source_id=object_id(source), payment_id=payment_of(source),
        created_at=moment(transaction.get("created"), f"{entry_id} created"),
        available_at=None if available is None else moment(available, f"{entry_id} available_on"),
        payout_id=payout_id)


def category(transaction: Mapping) -> str:
    """ENTRY_* for a balance transaction: by `reporting_category` when Stripe gave one."""
    reported = transaction.get("reporting_category")
    if isinstance(reported, str) and reported:
        return BY_REPORTING_CATEGORY.get(reported, ENTRY_OTHER)
    kind = transaction.get("type")
    if kind == "adjustment":
        source_id = object_id(transaction.get("source")) or ""
        return ENTRY_DISPUTE if source_id.startswith(DISPUTE_PREFIXES) else ENTRY_OTHER
    return BY_TYPE.get(kind, ENTRY_OTHER)


def exchange_rate(value: object, where: str = "entry") -> Decimal | None:
    """Stripe's rate (presentment amount x rate = settlement amount) as an exact Decimal, or
    None when nothing was converted."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{where}: exchange_rate {value!r} is not a number")
    try:
        rate = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{where}: exchange_rate {value!r} is not a number") from None
    if not rate.is_finite() or rate <= 0:
        raise ValueError(f"{where}: exchange_rate {value!r} is not a positive rate")
    return rate


def payment_of(source: object) -> str | None:
    """The payment an expanded source belongs to, keyed as payment movements are (events.py):
    a charge's PaymentIntent (a charge without one, from the legacy Charges API, is its own
    payment), a refund's or a dispute's PaymentIntent or that of its expanded charge; None when
    only an id was given."""
    if not isinstance(source, Mapping):
        return None
    intent = object_id(source.get("payment_intent"))
    if intent:
        return intent
    charge = source.get("charge")
    if isinstance(charge, Mapping):
        return payment_of(charge)
    if source.get("object") == "charge" and "payment_intent" in source:
        return object_id(source)
    return None


def with_payment(found: BalanceEntry, payment_id: str | None) -> BalanceEntry:
    """The entry with its payment filled in from the object that carried it (a charge, a
    dispute), when its own source was not expanded."""
    if found.payment_id or not payment_id:
        return found
    return replace(found, payment_id=payment_id)


def payout_movement(payout: Mapping, *, account_id: str, livemode: bool,
                    reconciled: bool = False) -> PayoutMovement:
    """A Payout object as a PayoutMovement, dated by its creation. `reconciled` forces the
    flag (the `payout.reconciliation_completed` event says so); otherwise Stripe's
    `reconciliation_status` decides."""
    payout_id = _text(payout.get("id"), "payout id", prefix="po_")
    amount = _whole(payout.get("amount"), f"{payout_id} amount")
    if amount < 0:
        raise ValueError(f"{payout_id}: a payout's amount is not negative")
    arrival = moment(payout.get("arrival_date"), f"{payout_id} arrival_date")
    return PayoutMovement(
        payout_id=payout_id, account_id=account_id, livemode=livemode,
        currency=currency_of(payout, payout_id), amount_minor=amount,
        status=_text(payout.get("status"), f"{payout_id} status"),
        reconciled=reconciled or payout.get("reconciliation_status") == RECONCILED,
        arrival_date=date(arrival.year, arrival.month, arrival.day),
        automatic=payout.get("automatic") is True,
        occurred_at=moment(payout.get("created"), f"{payout_id} created"),
        failure_entry_id=object_id(payout.get("failure_balance_transaction")))


def balances(balance: Mapping) -> list[GatewayBalance]:
    """A Balance object as one GatewayBalance per currency (available and pending summed over
    their source types' rows), sorted by currency."""
    totals: dict[str, list[int]] = {}
    for column, field in enumerate(("available", "pending")):
        for row in balance.get(field) or []:
            code = currency_of(row, f"balance {field}")
            totals.setdefault(code, [0, 0])[column] += _whole(row.get("amount"),
                                                              f"balance {field} {code}")
    return [GatewayBalance(currency=code, available_minor=available, pending_minor=pending)
            for code, (available, pending) in sorted(totals.items())]


def currency_of(obj: Mapping, where: str) -> str:
    code = str(obj.get("currency") or "").upper()
    if not CURRENCY.fullmatch(code):
        raise ValueError(f"{where}: no currency")
    return code


def moment(value: object, where: str) -> datetime:
    """A Unix time Stripe sent, as an aware UTC datetime."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{where}: not a Unix time")
    return datetime.fromtimestamp(value, tz=UTC)


def _whole(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{where}: not a whole number of minor units")
    return value


def _text(value: object, where: str, prefix: str = "") -> str:
    if not isinstance(value, str) or not value or not value.startswith(prefix):
        raise ValueError(f"{where}: missing or malformed")
    return value


def object_id(value: object) -> str | None:
    """An object's id, whether Stripe sent the id or the expanded object; None if neither."""
    if isinstance(value, Mapping):
        value = value.get("id")
    return value if isinstance(value, str) and value else None
