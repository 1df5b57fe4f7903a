"""StripeGateway.create_checkout through stripe-python (POST /v1/checkout/sessions as the
connected account), replayed from cassettes recorded against the sandbox. vcrpy never matches
on headers, so what only headers carry — `Stripe-Account` (a direct charge) and Remit's own
`Idempotency-Key` — is asserted on the recorded request itself.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qsl

import pytest

from gateways.base import (
    CheckoutRequest,
    GatewayAuthError,
    GatewayRateLimited,
    GatewayRejected,
    GatewayUnavailable,
)
from tests.connectors.conftest import vendor_url
from tests.gateways.conftest import requests_made
from tests.gateways.stripe.conftest import FR_ACCOUNT, US_ACCOUNT

METADATA = {"remit_company": "7", "remit_gateway": "3", "remit_invoices": "1001,1002",
            "remit_amounts": "100.00,20.50"}
REQUEST = CheckoutRequest(
    account_id=US_ACCOUNT, currency="USD", amount_minor=12050,
    description="Invoices 1001, 1002", customer_email="payer@example.com", metadata=METADATA,
    success_url="https://remit.example/pay/t0k3n/thanks",
    cancel_url="https://remit.example/pay/t0k3n", idempotency_key="remit-checkout-test-0001")
SENT_FORM = {
    "mode": "payment",
    "line_items[0][quantity]": "1",
    "line_items[0][price_data][currency]": "usd",
    "line_items[0][price_data][unit_amount]": "12050",
    "line_items[0][price_data][product_data][name]": "Invoices 1001, 1002",
    **{f"metadata[{key}]": value for key, value in METADATA.items()},
    **{f"payment_intent_data[metadata][{key}]": value for key, value in METADATA.items()},
    "success_url": "https://remit.example/pay/t0k3n/thanks",
    "cancel_url": "https://remit.example/pay/t0k3n",
    "customer_email": "payer@example.com",
}


def page_of(session_id: str) -> str:
    """Stripe's hosted page for a session (the sandbox's own while recording)."""
    return vendor_url(f"https://checkout.stripe.com/c/pay/{session_id}")


@pytest.mark.vcr
def test_checkout_is_a_direct_charge_on_the_connected_account(stripe_target, vcr):
    stripe_target.connected(US_ACCOUNT)

    session = stripe_target.gateway().create_checkout(REQUEST)

    assert session.id.startswith("cs_test_")
    assert session.url == page_of(session.id)
    (sent,) = vcr.requests
    assert (sent.method, sent.path) == ("POST", "/v1/checkout/sessions")
    assert sent.headers["Stripe-Account"] == US_ACCOUNT
    assert sent.headers["Idempotency-Key"] == "remit-checkout-test-0001"
    assert dict(parse_qsl(sent.body.decode())) == SENT_FORM
    answer = vcr.responses[0]
    assert answer["status"]["code"] == 200


@pytest.mark.vcr
def test_a_retry_with_the_same_key_returns_the_same_session(stripe_target, vcr):
    """What the add-on's retry after a lost answer relies on: Stripe replays the first
    answer for a key it has seen with the same parameters (reference §2.6)."""
    stripe_target.connected(US_ACCOUNT)
    gateway = stripe_target.gateway()

    first = gateway.create_checkout(REQUEST)
    again = gateway.create_checkout(REQUEST)

    assert again == first
    assert requests_made(vcr) == 2
    replayed = {name.lower(): value for name, value in vcr.responses[1]["headers"].items()}
    assert replayed["idempotent-replayed"] == ["true"]


@pytest.mark.vcr
def test_the_same_key_with_other_parameters_is_rejected(stripe_target, vcr):
    stripe_target.connected(US_ACCOUNT)
    gateway = stripe_target.gateway()
    gateway.create_checkout(REQUEST)

    with pytest.raises(GatewayRejected) as rejected:
        gateway.create_checkout(replace(REQUEST, amount_minor=10000))

    assert "idempotency key" in str(rejected.value)
    assert rejected.value.detail  # Stripe's explanation, kept for the activity page
    assert requests_made(vcr) == 2


@pytest.mark.vcr
def test_an_account_not_connected_is_auth_error(stripe_target, vcr):
    with pytest.raises(GatewayAuthError, match="HTTP 403"):
        stripe_target.gateway().create_checkout(replace(REQUEST, account_id=FR_ACCOUNT))
    assert requests_made(vcr) == 1


@pytest.mark.vcr
def test_throttled_checkout_is_rate_limited_after_exactly_one_request(stripe_target, vcr):
    stripe_target.connected(US_ACCOUNT)
    stripe_target.force_next("429")

    with pytest.raises(GatewayRateLimited):
        stripe_target.gateway().create_checkout(REQUEST)
    assert requests_made(vcr) == 1


@pytest.mark.vcr
def test_checkout_outage_is_unavailable_after_exactly_one_request(stripe_target, vcr):
    stripe_target.connected(US_ACCOUNT)
    stripe_target.force_next("503")

    with pytest.raises(GatewayUnavailable, match=r"HTTP 503"):
        stripe_target.gateway().create_checkout(REQUEST)
    assert requests_made(vcr) == 1
