"""Stripe's own facts the add-on reaches through the provider: the minor unit it writes each
currency in (its table, not ISO 4217's), how its payments are named and linked, and which
Checkout page an event ends."""

from __future__ import annotations

import pytest

from addon import money
from gateways.base import CheckoutState
from gateways.stripe import StripeGateway

GATEWAY = StripeGateway("ca_P", "sk_test_k")


@pytest.mark.parametrize(("currency", "stripe", "iso"), [
    ("USD", 2, 2), ("eur", 2, 2), ("GBP", 2, 2), ("JPY", 0, 0), ("KRW", 0, 0),
    ("KWD", 3, 3), ("BHD", 3, 3),
    ("ISK", 2, 0),  # two-decimal at Stripe (amounts in hundredths), none in ISO 4217
    ("MGA", 0, 2),  # zero-decimal at Stripe, two in ISO 4217
    ("IQD", 2, 3),  # not one of Stripe's three-decimal currencies
])
def test_stripe_writes_amounts_in_its_own_exponent_not_iso(currency, stripe, iso):
    assert GATEWAY.exponent(currency) == stripe
    assert money.exponent(currency) == iso
    assert money.from_minor(1000, currency, GATEWAY.exponent(currency)).as_tuple().exponent \
        == -stripe


def test_the_memo_label_and_dashboard_link_are_stripes():
    assert GATEWAY.payment_label(source_id="pi_1", charge_id="ch_1", account_id="acct_1") == (
        "Stripe payment pi_1, charge ch_1, account acct_1")
    assert GATEWAY.payment_label(source_id="pi_1", charge_id=None, account_id="acct_1") == (
        "Stripe payment pi_1, account acct_1")
    assert GATEWAY.dashboard_url(account_id="acct_1", source_id="pi_1", livemode=True) == (
        "https://dashboard.stripe.com/acct_1/payments/pi_1")
    assert GATEWAY.dashboard_url(account_id="acct_1", source_id="pi_1", livemode=False) == (
        "https://dashboard.stripe.com/acct_1/test/payments/pi_1")


def session_event(event_type: str, intent) -> dict:
    return {"id": "evt_1", "object": "event", "type": event_type, "account": "acct_1",
            "data": {"object": {"id": "cs_test_1", "object": "checkout.session",
                                "payment_intent": intent}}}


def test_completion_and_expiry_events_say_which_page_ended_and_how():
    assert GATEWAY.checkout_update(session_event("checkout.session.completed", "pi_1")) == (
        CheckoutState("cs_test_1", "complete", "pi_1"))
    assert GATEWAY.checkout_update(session_event("checkout.session.completed",
                                                 {"id": "pi_2"})) == (
        CheckoutState("cs_test_1", "complete", "pi_2"))
    assert GATEWAY.checkout_update(session_event("checkout.session.expired", None)) == (
        CheckoutState("cs_test_1", "expired", None))
    assert GATEWAY.checkout_update(session_event("payment_intent.succeeded", "pi_1")) is None
    assert {"checkout.session.completed", "checkout.session.expired"} \
        <= GATEWAY.checkout_event_types


def test_the_page_lifetime_and_origins_are_declared_by_the_gateway():
    assert 30 * 60 <= GATEWAY.session_lifetime <= 24 * 3600
    assert GATEWAY.page_origins == ("https://connect.stripe.com", "https://checkout.stripe.com")
