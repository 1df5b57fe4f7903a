"""StripeGateway.expire_checkout and refused amounts through stripe-python, replayed from
cassettes recorded against the sandbox: POST /v1/checkout/sessions/{id}/expire as the
connected account, a session no longer open read back (GET) to learn whether it was paid, and
Stripe's amount refusals as GatewayRejected carrying Stripe's error code."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gateways.base import (
    AMOUNT_INVALID,
    AMOUNT_TOO_LARGE,
    AMOUNT_TOO_SMALL,
    CheckoutRequest,
    GatewayAuthError,
    GatewayRejected,
)
from tests.gateways.conftest import requests_made
from tests.gateways.stripe.conftest import FR_ACCOUNT, US_ACCOUNT

REQUEST = CheckoutRequest(
    account_id=US_ACCOUNT, currency="USD", amount_minor=5000, description="Invoice 1001",
    customer_email=None, metadata={"remit_invoices": "1001", "remit_amounts": "50.00"},
    success_url="https://remit.example/pay/t0k3n/thanks",
    cancel_url="https://remit.example/pay/t0k3n", idempotency_key="remit-checkout-expire-0001")


@pytest.mark.vcr
def test_an_open_session_is_expired_on_the_connected_account(stripe_target, vcr):
    stripe_target.connected(US_ACCOUNT)
    gateway = stripe_target.gateway()
    session = gateway.create_checkout(REQUEST)

    state = gateway.expire_checkout(US_ACCOUNT, session.id)

    assert (state.id, state.status, state.payment_id) == (session.id, "expired", None)
    sent = vcr.requests[1]
    assert (sent.method, sent.path) == ("POST", f"/v1/checkout/sessions/{session.id}/expire")
    assert sent.headers["Stripe-Account"] == US_ACCOUNT
    assert requests_made(vcr) == 2


@pytest.mark.vcr
def test_a_session_no_longer_open_is_read_back(stripe_target, vcr):
    """Stripe expires open sessions only: the refusal is followed by one read."""
    stripe_target.connected(US_ACCOUNT)
    gateway = stripe_target.gateway()
    session = gateway.create_checkout(REQUEST)
    gateway.expire_checkout(US_ACCOUNT, session.id)

    state = gateway.expire_checkout(US_ACCOUNT, session.id)

    assert state.status == "expired"
    assert [(r.method, r.path) for r in vcr.requests[2:]] == [
        ("POST", f"/v1/checkout/sessions/{session.id}/expire"),
        ("GET", f"/v1/checkout/sessions/{session.id}")]
    assert vcr.responses[2]["status"]["code"] == 400
    assert requests_made(vcr) == 4


@pytest.mark.vcr
def test_a_sessions_state_is_read_on_the_connected_account(stripe_target, vcr):
    stripe_target.connected(US_ACCOUNT)
    gateway = stripe_target.gateway()
    session = gateway.create_checkout(replace(REQUEST, idempotency_key="remit-checkout-read-1"))

    state = gateway.checkout_state(US_ACCOUNT, session.id)

    assert (state.id, state.status, state.payment_id) == (session.id, "open", None)
    sent = vcr.requests[1]
    assert (sent.method, sent.path) == ("GET", f"/v1/checkout/sessions/{session.id}")
    assert sent.headers["Stripe-Account"] == US_ACCOUNT
    assert requests_made(vcr) == 2


@pytest.mark.vcr
def test_expiring_on_an_account_not_connected_is_auth_error(stripe_target, vcr):
    with pytest.raises(GatewayAuthError):
        stripe_target.gateway().expire_checkout(FR_ACCOUNT, "cs_test_a1NotConnected")
    assert requests_made(vcr) == 1


def test_a_session_id_is_checked_before_a_url_is_built(stripe_target):
    with pytest.raises(ValueError):
        stripe_target.gateway().expire_checkout(US_ACCOUNT, "../v1/accounts")


@pytest.mark.vcr
@pytest.mark.parametrize(("currency", "amount_minor", "code"), [
    ("USD", 10, AMOUNT_TOO_SMALL), ("JPY", 49, AMOUNT_TOO_SMALL),
    ("KWD", 1, AMOUNT_INVALID), ("USD", 100_000_000, AMOUNT_TOO_LARGE),
])
def test_stripe_refuses_amounts_with_its_codes(stripe_target, vcr, currency, amount_minor,
                                               code):
    stripe_target.connected(US_ACCOUNT)
    asked = replace(REQUEST, currency=currency, amount_minor=amount_minor,
                    idempotency_key=f"remit-checkout-refused-{currency}-{amount_minor}")

    with pytest.raises(GatewayRejected) as refused:
        stripe_target.gateway().create_checkout(asked)

    assert refused.value.code == code
    assert requests_made(vcr) == 1
