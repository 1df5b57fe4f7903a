"""Connect events about the money after the payment → movements (reference §2.2-§2.5, §4.3).
Pure: no HTTP, no clock.

- `charge.succeeded`, `charge.updated` naming a `balance_transaction`: a ChargeSettled beside
  the payment (events.py); its `entry` only when the transaction is expanded (webhooks send the
  id);
- `refund.created`, `refund.updated`, `refund.failed`, `charge.refund.updated`: a
  RefundMovement of the refund;
- `charge.refunded`: a RefundMovement per refund the charge lists (`refunds.data`, when sent),
  with the charge's metadata;
- `charge.dispute.created/updated/funds_withdrawn/funds_reinstated/closed`: a DisputeMovement
  with its balance transactions (funds withdrawn, reinstated) read as entries;
- `payout.created/updated/paid/failed/canceled/reconciliation_completed`: a PayoutMovement,
  reconciled once Stripe says so.

Refunds and disputes name their payment (the PaymentIntent) directly or through an expanded
charge; a refund made in Stripe's dashboard carries no Remit metadata of its own, which is why
the add-on routes refunds and disputes by the payment they belong to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from gateways.base import (
    ChargeSettled,
    DisputeMovement,
    MoneyMovement,
    Movement,
    PayoutMovement,
    RefundMovement,
)
from gateways.stripe import balance
from gateways.stripe.balance import object_id

DISPUTE_FINAL = {"won", "lost"}  # Stripe's closed chargeback statuses
RECONCILIATION_COMPLETED = "payout.reconciliation_completed"


def charge_settled(charge: Mapping, event: Mapping, paid: MoneyMovement) -> ChargeSettled | None:
    """The fee of a captured charge is known once it names its balance transaction."""
    transaction = charge.get("balance_transaction")
    entry_id = object_id(transaction)
    if transaction is not None and entry_id is None:
        raise ValueError(f"{_named(event)}: a balance_transaction without an id")
    if entry_id is None:
        return None  # async capture: not yet (reference §2.2)
    found = None
    if isinstance(transaction, Mapping):
        found = balance.with_payment(balance.entry(transaction), paid.source_id)
    return ChargeSettled(payment_id=paid.source_id, charge_id=paid.charge_id or "",
                         account_id=paid.account_id, livemode=paid.livemode, entry_id=entry_id,
                         metadata=paid.metadata, occurred_at=paid.occurred_at, entry=found)


def refund(refunded: Mapping, event: Mapping,
           metadata: Mapping | None = None) -> RefundMovement:
    """One Refund object; `metadata` the refunded charge's when the event carries the charge
    (else an expanded charge's, else the refund's own)."""
    where = _named(event)
    refund_id = _required_text(refunded.get("id"), f"{where}: refund id")
    amount = refunded.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValueError(f"{where}: refund {refund_id} has no positive whole amount")
    charge = refunded.get("charge")
    if metadata is None:
        metadata = charge.get("metadata") if isinstance(charge, Mapping) else None
    return RefundMovement(
        refund_id=refund_id, payment_id=balance.payment_of(refunded), charge_id=object_id(charge),
        account_id=event["account"], livemode=event.get("livemode") is True,
        currency=balance.currency_of(refunded, f"{where}: refund {refund_id}"),
        amount_minor=amount,
        status=_required_text(refunded.get("status"), f"{where}: refund status"),
        entry_id=object_id(refunded.get("balance_transaction")),
        metadata=_strings(metadata if metadata is not None else refunded.get("metadata")),
        occurred_at=_when(refunded, event))


def charge_refunds(charge: Mapping, event: Mapping) -> list[Movement]:
    """`charge.refunded`: each refund the charge lists, routed by the charge's metadata. Since
    API 2022-11-15 the list is sent only when expanded: then the refund events say it all."""
    listed = charge.get("refunds")
    rows = listed.get("data") if isinstance(listed, Mapping) else None
    if not isinstance(rows, list):
        return []
    found: list[Movement] = []
    for row in rows:
        if not isinstance(row, Mapping):
            raise ValueError(f"{_named(event)}: a refund of the charge is not an object")
        listed_refund = dict(row)
        for field in ("charge", "payment_intent"):  # the charge's own, when the row omits it
            listed_refund[field] = row.get(field) or charge.get(
                "id" if field == "charge" else field)
        found.append(refund(listed_refund, event, metadata=charge.get("metadata") or {}))
    return found


def dispute(disputed: Mapping, event: Mapping) -> list[Movement]:
    where = _named(event)
    dispute_id = _required_text(disputed.get("id"), f"{where}: dispute id")
    amount = disputed.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValueError(f"{where}: dispute {dispute_id} has no positive whole amount")
    status = _required_text(disputed.get("status"), f"{where}: dispute status")
    payment_id = balance.payment_of(disputed)
    transactions = disputed.get("balance_transactions") or []
    if not isinstance(transactions, list) or not all(isinstance(row, Mapping)
                                                     for row in transactions):
        raise ValueError(f"{where}: a dispute's balance_transactions are expanded objects")
    charge = disputed.get("charge")
    metadata = charge.get("metadata") if isinstance(charge, Mapping) else None
    return [DisputeMovement(
        dispute_id=dispute_id, payment_id=payment_id, charge_id=object_id(charge),
        account_id=event["account"], livemode=event.get("livemode") is True,
        currency=balance.currency_of(disputed, f"{where}: dispute {dispute_id}"),
        amount_minor=amount, status=status, closed=status in DISPUTE_FINAL,
        won=status == "won",
        entries=tuple(balance.with_payment(balance.entry(row), payment_id)
                      for row in transactions),
        metadata=_strings(metadata if metadata is not None else disputed.get("metadata")),
        occurred_at=_when(disputed, event))]


def payout(paid_out: Mapping, event: Mapping) -> list[Movement]:
    return [_payout(paid_out, event)]


def _payout(paid_out: Mapping, event: Mapping) -> PayoutMovement:
    try:
        return balance.payout_movement(
            paid_out, account_id=event["account"], livemode=event.get("livemode") is True,
            reconciled=event.get("type") == RECONCILIATION_COMPLETED)
    except ValueError as malformed:
        raise ValueError(f"{_named(event)}: {malformed}") from None


def _refund_event(refunded: Mapping, event: Mapping) -> list[Movement]:
    return [refund(refunded, event)]


def _when(obj: Mapping, event: Mapping) -> datetime:
    """When the object was made (a refund, a dispute): its own `created`, else the event's."""
    for created in (obj.get("created"), event.get("created")):
        if isinstance(created, int) and not isinstance(created, bool):
            return datetime.fromtimestamp(created, tz=UTC)
    raise ValueError(f"{_named(event)}: no creation time")


def _strings(metadata: object) -> dict[str, str]:
    if not isinstance(metadata, Mapping):
        return {}
    return {str(key): str(value) for key, value in metadata.items()}


def _required_text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{where} is missing")
    return value


def _named(event: Mapping) -> str:
    return f"{event.get('type')} {event.get('id')}"


READERS: dict[str, Callable[[Mapping, Mapping], list[Movement]]] = {
    "refund.created": _refund_event,
    "refund.updated": _refund_event,
    "refund.failed": _refund_event,
    "charge.refund.updated": _refund_event,
    "charge.refunded": charge_refunds,
    **{f"charge.dispute.{step}": dispute for step in (
        "created", "updated", "funds_withdrawn", "funds_reinstated", "closed")},
    **{f"payout.{step}": payout for step in (
        "created", "updated", "paid", "failed", "canceled", "reconciliation_completed")},
}
