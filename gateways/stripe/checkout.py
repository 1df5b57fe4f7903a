"""Checkout Sessions for invoices (https://docs.stripe.com/api/checkout/sessions/create;
reference §2.1, §2.6): what Remit asks Stripe for, and what it keeps of the answer. Pure: the
HTTP call is client.py's.

The session is a direct charge on the connected account: the payment, its PaymentIntent and
Charge and their events belong to the merchant's account, which Remit reaches with the
platform key and `Stripe-Account`.
"""

from __future__ import annotations

from collections.abc import Mapping

from gateways.base import (
    ChargeLimits,
    CheckoutRequest,
    CheckoutSession,
    CheckoutState,
    GatewayUnavailable,
)
from gateways.stripe.const import (
    MAXIMUM_CHARGE_EXCEPTIONS,
    MAXIMUM_CHARGE_MINOR,
    MINIMUM_CHARGE_MINOR,
    THREE_DECIMAL,
    THREE_DECIMAL_STEP,
)

STATUSES = ("open", "complete", "expired")


def session_params(request: CheckoutRequest) -> dict:
    """The create parameters: one line item priced inline, paid once (`mode=payment`).

    The metadata goes on the session (for `checkout.session.completed`) and, through
    `payment_intent_data`, on the PaymentIntent, which Stripe copies to its Charge — so every
    event of the payment names Remit's company, gateway and invoices."""
    params: dict = {
        "mode": "payment",
        "line_items": [{
            "quantity": 1,
            "price_data": {"currency": request.currency.lower(),
                           "unit_amount": request.amount_minor,
                           "product_data": {"name": request.description}},
        }],
        "metadata": dict(request.metadata),
        "payment_intent_data": {"metadata": dict(request.metadata)},
        "success_url": request.success_url,
        "cancel_url": request.cancel_url,
    }
    if request.customer_email:
        params["customer_email"] = request.customer_email
    if request.expires_at is not None:
        params["expires_at"] = request.expires_at
    return params


def charge_limits(currency: str) -> ChargeLimits:
    """Stripe's documented limits for one charge in `currency` (const.py)."""
    code = currency.upper()
    return ChargeLimits(currency=code, minimum=MINIMUM_CHARGE_MINOR.get(code),
                        maximum=MAXIMUM_CHARGE_EXCEPTIONS.get(code, MAXIMUM_CHARGE_MINOR),
                        step=THREE_DECIMAL_STEP if code in THREE_DECIMAL else 1)


def checkout_state(answer: Mapping) -> CheckoutState:
    """A session's status and, once paid, its PaymentIntent id (a string or expanded)."""
    session_id, status = answer.get("id"), answer.get("status")
    if answer.get("object") != "checkout.session" or not isinstance(session_id, str) \
            or status not in STATUSES:
        raise GatewayUnavailable("Stripe's answer is not a Checkout Session.")
    intent = answer.get("payment_intent")
    if isinstance(intent, Mapping):
        intent = intent.get("id")
    return CheckoutState(id=session_id, status=status,
                         payment_id=intent if isinstance(intent, str) and intent else None)


def checkout_session(answer: Mapping) -> CheckoutSession:
    """The session id and the hosted page's URL, or GatewayUnavailable when Stripe's answer
    has no page to send the customer to."""
    session_id, url = answer.get("id"), answer.get("url")
    if answer.get("object") != "checkout.session" or not isinstance(session_id, str):
        raise GatewayUnavailable("Stripe's answer is not a Checkout Session.")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise GatewayUnavailable("Stripe's Checkout Session has no page URL (already "
                                 "completed or expired?).")
    return CheckoutSession(id=session_id, url=url)
