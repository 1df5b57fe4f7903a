"""Disputes in the Stripe stand-in (reference §2.5), started and ended by sandbox controls as a
cardholder's bank would: opened on a charge for its whole amount (`charge.dispute.created`), the
funds withdrawn at once (`charge.dispute.funds_withdrawn`: a balance transaction of type
`adjustment`, reporting_category `dispute`, amount -D converted at the rate of now, fee = the
dispute fee), then closed won (`charge.dispute.funds_reinstated`: +D at the rate of that time,
and the dispute fee given back as a negative fee; then `charge.dispute.closed`) or lost
(`charge.dispute.closed` only). The Dispute carries its balance transactions expanded, as Stripe
does, in the shape of Stripe's fixtures (`dispute`).

Giving the fee back on a won dispute, and the amounts below, are the stand-in's own choices.
"""

from __future__ import annotations

import copy

from sandbox import stripe_balance as balance
from sandbox import stripe_events as events
from sandbox import stripe_fx as fx
from sandbox import stripe_objects as objects
from sandbox import stripe_payments as payments
from sandbox.stripe_held import HeldObjects

# The stand-in's OWN dispute fee per settlement currency, in minor units (not Stripe's quote).
DISPUTE_FEES = {"usd": 1500, "eur": 1500, "gbp": 2000, "jpy": 2000, "kwd": 5000, "cad": 1500}
DEFAULT_DISPUTE_FEE = 1500
EVIDENCE_DAYS = 7 * 24 * 3600
EVIDENCE_FIELDS = (
    "access_activity_log", "billing_address", "cancellation_policy",
    "cancellation_policy_disclosure", "cancellation_rebuttal", "customer_communication",
    "customer_email_address", "customer_name", "customer_purchase_ip", "customer_signature",
    "duplicate_charge_documentation", "duplicate_charge_explanation", "duplicate_charge_id",
    "product_description", "receipt", "refund_policy", "refund_policy_disclosure",
    "refund_refusal_explanation", "service_date", "service_documentation", "shipping_address",
    "shipping_carrier", "shipping_date", "shipping_documentation", "shipping_tracking_number",
    "uncategorized_file", "uncategorized_text")
_DISPUTES = HeldObjects()


def reset() -> None:
    _DISPUTES.reset()


def dispute(account_id: str, dispute_id: str) -> dict | None:
    return _DISPUTES.seen_by(account_id, dispute_id)


def disputes() -> list[dict]:
    """Every dispute, newest first (the console)."""
    return _DISPUTES.newest_first()


def account_of(dispute_id: str) -> str | None:
    return _DISPUTES.account_of(dispute_id)


def blocks_refund(charge_id: str) -> bool:
    """A charge under a dispute not won cannot be refunded (Stripe: `charge_disputed`)."""
    with _DISPUTES.lock:
        return any(held.obj["charge"] == charge_id and held.obj["status"] != "won"
                   for held in _DISPUTES.by_id.values())


def dispute_fee(currency: str) -> int:
    return DISPUTE_FEES.get(currency, DEFAULT_DISPUTE_FEE)


def open_dispute(payment_intent_id: str) -> tuple[str, dict, list[dict]]:
    """A dispute on the PaymentIntent's charge, its funds withdrawn: (account, dispute, events
    not sent yet). LookupError (no such PaymentIntent), ValueError (already disputed)."""
    account_id = payments.owner(payment_intent_id)
    intent = payments.intent(payment_intent_id) if account_id else None
    if intent is None:
        raise LookupError(f"No such payment_intent: {payment_intent_id}")
    with payments.locked():
        charge = payments.charge(intent["latest_charge"])
        if charge["disputed"]:
            raise ValueError(f"{charge['id']} is already disputed")
        now = int(payments.clock())
        made = _dispute(objects.new_id("dp_1Remit"), charge, now)
        opened = copy.deepcopy(made)
        settled, currency, exchange_rate = fx.settle(account_id, -made["amount"],
                                                     charge["currency"])
        charged = dispute_fee(currency)
        withdrawn = balance.record(
            account_id, amount=settled, currency=currency, created=now, fee=charged,
            fee_details=[balance.stripe_fee(charged, currency, "Dispute fee")],
            source=made["id"], kind="adjustment", reporting_category="dispute",
            description=f"Chargeback withdrawal for {charge['id']}",
            exchange_rate=exchange_rate, available_on=now)
        made["balance_transactions"] = [withdrawn]
        _DISPUTES.keep(account_id, made)
        payments.update_charge(charge["id"], disputed=True)
    return account_id, copy.deepcopy(made), [
        events.event("charge.dispute.created", account_id, opened),
        events.event("charge.dispute.funds_withdrawn", account_id, copy.deepcopy(made))]


def close_dispute(dispute_id: str, won: bool) -> tuple[str, dict, list[dict]]:
    """The bank's decision: (account, dispute, events not sent yet). Won: the funds (at the
    rate of now) and the dispute fee come back. LookupError, or ValueError when it is closed."""
    with _DISPUTES.lock:
        held = _DISPUTES.by_id.get(dispute_id)
        if held is None:
            raise LookupError(f"No such dispute: {dispute_id}")
        made = held.obj
        if made["status"] in ("won", "lost"):
            raise ValueError(f"{dispute_id} is already {made['status']}")
        account_id = held.account_id
        sent: list[tuple[str, dict]] = []
        if won:
            now = int(payments.clock())
            withdrawn = made["balance_transactions"][0]
            amount, currency, exchange_rate = fx.settle(account_id, made["amount"],
                                                        made["currency"])
            returned = -withdrawn["fee"]
            made["balance_transactions"].append(balance.record(
                account_id, amount=amount, currency=currency, created=now, fee=returned,
                fee_details=[balance.stripe_fee(returned, currency, "Dispute fee refund")],
                source=dispute_id, kind="adjustment", reporting_category="dispute_reversal",
                description=f"Chargeback reversal for {made['charge']}",
                exchange_rate=exchange_rate, available_on=now))
            made["status"] = "won"
            sent.append(("charge.dispute.funds_reinstated", copy.deepcopy(made)))
        else:
            made["status"] = "lost"
        sent.append(("charge.dispute.closed", copy.deepcopy(made)))
        return account_id, copy.deepcopy(made), [
            events.event(kind, account_id, obj) for kind, obj in sent]


def _dispute(dispute_id: str, charge: dict, now: int) -> dict:
    return {
        "id": dispute_id, "object": "dispute", "amount": charge["amount"],
        "balance_transactions": [], "charge": charge["id"], "created": now,
        "currency": charge["currency"],
        "evidence": {**dict.fromkeys(EVIDENCE_FIELDS), "enhanced_evidence": {}},
        "evidence_details": {"due_by": now + EVIDENCE_DAYS, "enhanced_eligibility": {},
                             "has_evidence": False, "past_due": False, "submission_count": 0},
        "is_charge_refundable": False, "livemode": False, "metadata": {},
        "payment_intent": charge["payment_intent"],
        "payment_method_details": {"card": {"brand": "visa", "case_type": "chargeback",
                                            "network_reason_code": "10.4"}, "type": "card"},
        "reason": "fraudulent", "status": "needs_response"}
