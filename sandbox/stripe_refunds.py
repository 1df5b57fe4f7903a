"""Refunds in the Stripe stand-in (reference §2.3, §2.5), whether Remit asks for one
(POST /v1/refunds, sandbox/stripe_refund_api.py) or the account's owner refunds in the dashboard
(`sandbox.stripe.refund`): a succeeded Refund on the charge, its `refund` balance transaction
(negative, in the settlement currency, converted back at the rate of now, no fee), the charge's
`amount_refunded`/`refunded` updated, and the events `refund.created`, `charge.refunded`,
`refund.updated`, in the shape of Stripe's fixtures (`refund`).

Refused as Stripe refuses: nothing left to refund (`charge_already_refunded`), more than what
remains (`amount_too_large`), a charge disputed and not won (`charge_disputed`).
"""

from __future__ import annotations

import copy

from sandbox import stripe_balance as balance
from sandbox import stripe_disputes as disputes
from sandbox import stripe_events as events
from sandbox import stripe_fx as fx
from sandbox import stripe_objects as objects
from sandbox import stripe_payments as payments
from sandbox.stripe_held import HeldObjects

REASONS = ("duplicate", "fraudulent", "requested_by_customer")


class RefundRefused(Exception):
    """What Stripe answers instead of a refund: HTTP status, error code and param."""

    def __init__(self, status: int, message: str, code: str | None = None,
                 param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.param = status, message, code, param


_REFUNDS = HeldObjects()


def reset() -> None:
    _REFUNDS.reset()


def refund(account_id: str, refund_id: str) -> dict | None:
    """The refund, as its account sees it (another account's: None)."""
    return _REFUNDS.seen_by(account_id, refund_id)


def account_of(refund_id: str) -> str | None:
    return _REFUNDS.account_of(refund_id)


def create(account_id: str, *, payment_intent: str | None = None, charge: str | None = None,
           amount: str | int | None = None, reason: str | None = None,
           metadata: dict | None = None) -> tuple[dict, list[dict]]:
    """Refund (part of) a charge of the account: the refund and its three events (not sent).
    RefundRefused as Stripe refuses."""
    with payments.locked():
        found = _charge_to_refund(account_id, payment_intent, charge)
        if reason is not None and reason not in REASONS:
            raise RefundRefused(400, f"Invalid reason: must be one of {', '.join(REASONS)}",
                                param="reason")
        if disputes.blocks_refund(found["id"]):
            raise RefundRefused(400, f"Charge {found['id']} has been charged back; cannot "
                                "issue a refund.", code="charge_disputed", param="charge")
        remaining = found["amount"] - found["amount_refunded"]
        if remaining <= 0:
            raise RefundRefused(400, f"Charge {found['id']} has already been refunded.",
                                code="charge_already_refunded", param="charge")
        asked = _amount(amount, remaining)
        made = _refund(account_id, found, asked, reason, metadata or {})
        after = payments.update_charge(
            found["id"], amount_refunded=found["amount_refunded"] + asked,
            refunded=found["amount_refunded"] + asked == found["amount"])
    return made, [events.event("refund.created", account_id, made),
                  events.event("charge.refunded", account_id, after),
                  events.event("refund.updated", account_id, made)]


def _charge_to_refund(account_id: str, payment_intent: str | None,
                      charge: str | None) -> dict:
    if not payment_intent and not charge:
        raise RefundRefused(400, "One of `charge` or `payment_intent` is required.",
                            code="parameter_missing", param="charge")
    if payment_intent:
        intent = payments.intent(payment_intent, account_id)
        if intent is None:
            raise RefundRefused(404, f"No such payment_intent: '{payment_intent}'",
                                code="resource_missing", param="payment_intent")
        if charge and charge != intent["latest_charge"]:
            raise RefundRefused(400, f"The charge {charge} does not belong to the "
                                f"PaymentIntent {payment_intent}.", param="charge")
        charge = intent["latest_charge"]
    found = payments.charge(charge or "", account_id)
    if found is None:
        raise RefundRefused(404, f"No such charge: '{charge}'", code="resource_missing",
                            param="charge")
    return found


def _amount(amount: str | int | None, remaining: int) -> int:
    if amount is None:
        return remaining
    try:
        asked = int(amount)
    except ValueError:
        raise RefundRefused(400, f"Invalid integer: {amount}",
                            code="parameter_invalid_integer", param="amount") from None
    if asked < 1:
        raise RefundRefused(400, "Invalid positive integer", code="parameter_invalid_integer",
                            param="amount")
    if asked > remaining:
        raise RefundRefused(400, f"Refund amount ({asked}) is greater than unrefunded amount "
                            f"on charge ({remaining})", code="amount_too_large", param="amount")
    return asked


def _refund(account_id: str, charge: dict, amount: int, reason: str | None,
            metadata: dict) -> dict:
    now = int(payments.clock())
    refund_id = objects.new_id("re_3Remit")
    settled, currency, exchange_rate = fx.settle(account_id, -amount, charge["currency"])
    entry = balance.record(account_id, amount=settled, currency=currency, created=now, fee=0,
                           fee_details=[], source=refund_id, kind="refund",
                           description="REFUND FOR CHARGE", exchange_rate=exchange_rate,
                           available_on=now)
    made = {"id": refund_id, "object": "refund", "amount": amount,
            "balance_transaction": entry["id"], "charge": charge["id"], "created": now,
            "currency": charge["currency"],
            "destination_details": {"card": {"type": "refund"}, "type": "card"},
            "metadata": dict(metadata), "payment_intent": charge["payment_intent"],
            "reason": reason, "receipt_number": None, "source_transfer_reversal": None,
            "status": "succeeded", "transfer_reversal": None}
    _REFUNDS.keep(account_id, made)
    return copy.deepcopy(made)
