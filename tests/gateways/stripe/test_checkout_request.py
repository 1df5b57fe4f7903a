"""Checkout without cassettes: what CheckoutRequest refuses before any call, the parameters
and the answer (gateways/stripe/checkout.py), the idempotency error's translation, and — on a
loopback server — the headers sent and that a failure is never retried."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import stripe

from gateways.base import (
    CheckoutRequest,
    CheckoutSession,
    GatewayRejected,
    GatewayUnavailable,
)
from gateways.stripe import StripeGateway, client
from gateways.stripe.checkout import checkout_session, session_params
from tests.gateways.stripe.loopback import Canned, Loopback

REQUEST = CheckoutRequest(
    account_id="acct_1Abc", currency="JPY", amount_minor=5000, description="Invoice INV-9",
    customer_email=None, metadata={"remit_invoices": "9", "remit_amounts": "5000"},
    success_url="https://remit.example/ok", cancel_url="https://remit.example/back",
    idempotency_key="remit-checkout-1")
SESSION = {"id": "cs_test_a1", "object": "checkout.session",
           "url": "https://checkout.stripe.com/c/pay/cs_test_a1"}


def test_params_are_one_inline_priced_item_with_metadata_on_the_intent_too():
    assert session_params(REQUEST) == {
        "mode": "payment",
        "line_items": [{"quantity": 1, "price_data": {
            "currency": "jpy", "unit_amount": 5000,
            "product_data": {"name": "Invoice INV-9"}}}],
        "metadata": REQUEST.metadata,
        "payment_intent_data": {"metadata": REQUEST.metadata},
        "success_url": "https://remit.example/ok", "cancel_url": "https://remit.example/back",
    }
    with_email = session_params(replace(REQUEST, customer_email="payer@example.com"))
    assert with_email["customer_email"] == "payer@example.com"


@pytest.mark.parametrize("changes", [
    {"currency": "usd"}, {"currency": "US"}, {"amount_minor": 0}, {"amount_minor": 12.5},
    {"amount_minor": True}, {"description": "  "}, {"idempotency_key": ""},
    {"idempotency_key": "k" * 256}, {"metadata": {"remit_amounts": 5}},
])
def test_requests_stripe_would_refuse_are_refused_before_any_call(changes):
    with pytest.raises(ValueError):
        replace(REQUEST, **changes)


def test_the_answer_gives_the_session_and_its_page():
    assert checkout_session(SESSION) == CheckoutSession("cs_test_a1", SESSION["url"])
    for broken in ({**SESSION, "url": None}, {**SESSION, "object": "payment_intent"},
                   {"error": {"message": "x"}}):
        with pytest.raises(GatewayUnavailable):
            checkout_session(broken)


def test_an_idempotency_conflict_is_a_rejection_with_stripes_words():
    message = ("Keys for idempotent requests can only be used with the same parameters they "
               "were first used with.")
    rejected = client.translate(stripe.IdempotencyError(message, http_status=400))

    assert type(rejected) is GatewayRejected
    assert rejected.detail == message


def test_account_ids_are_checked_before_any_call():
    gateway = StripeGateway("ca_P", "sk_test_k", api_base="http://127.0.0.1:9")
    for bad in ("acct_1\r\nX-Evil: 1", "cus_1", ""):
        with pytest.raises(ValueError):
            gateway.create_checkout(replace(REQUEST, account_id=bad))


def gateway_on(url: str) -> StripeGateway:
    return StripeGateway("ca_P", "sk_test_platform", api_base=url, timeout=5.0)


def test_one_post_as_the_account_with_remits_idempotency_key():
    with Loopback(Canned(200, json.dumps(SESSION))) as server:
        assert gateway_on(server.url).create_checkout(REQUEST).id == "cs_test_a1"

    (sent,) = server.seen
    assert (sent.method, sent.path) == ("POST", "/v1/checkout/sessions")
    assert sent.headers["Stripe-Account"] == "acct_1Abc"
    assert sent.headers["Idempotency-Key"] == "remit-checkout-1"
    assert sent.headers["Authorization"] == "Bearer sk_test_platform"


def test_a_5xx_is_not_retried_even_when_stripe_says_it_may_be():
    """The add-on retries with the same key, later; a hidden SDK retry would hide the outage
    from its backoff."""
    body = json.dumps({"error": {"type": "api_error", "message": "down"}})
    with Loopback(Canned(500, body, {"Content-Type": "application/json",
                                     "Stripe-Should-Retry": "true"})) as server, \
            pytest.raises(GatewayUnavailable):
        gateway_on(server.url).create_checkout(REQUEST)
    assert len(server.seen) == 1
