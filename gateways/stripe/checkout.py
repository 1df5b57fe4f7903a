"""Checkout Sessions for invoices (https://docs.stripe.com/api/checkout/sessions/create;
reference §2.1, §2.6): what Remit asks Stripe for, and what it keeps of the answer. Pure: the
HTTP call is client.py's.

The session is a direct charge on the connected account: the payment, its PaymentIntent and
Charge and their events belong to the merchant's account, which Remit reaches with the
platform key and `Stripe-Account`.
"""

from __future__ import annotations

from collections.abc import Mapping

from gateways.base import CheckoutRequest, CheckoutSession, GatewayUnavailable


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
    return params


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
