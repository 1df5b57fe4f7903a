"""StripeGateway.account_profile through stripe-python (GET /v1/accounts/{id} with the platform
key, then GET /v1/country_specs/{country}), replayed from cassettes recorded against the
sandbox. The error tests pin each branch of the error translation, and that stripe-python makes
exactly one request (StripeClient, max_network_retries=0).
"""

from __future__ import annotations

import pytest

from gateways.base import (
    AccountProfile,
    GatewayAuthError,
    GatewayRateLimited,
    GatewayRejected,
    GatewayUnavailable,
)
from tests.gateways.conftest import requests_made
from tests.gateways.stripe.conftest import FR_ACCOUNT, US_ACCOUNT

PAYMENT_CURRENCIES = (
    "AED", "AUD", "BRL", "CAD", "CHF", "CNY", "CZK", "DKK", "EUR", "GBP", "HKD", "HUF", "INR",
    "JPY", "KRW", "KWD", "MXN", "NOK", "NZD", "PLN", "RON", "SEK", "SGD", "THB", "USD", "ZAR")


@pytest.mark.vcr
def test_us_account_profile(stripe_target, vcr):
    stripe_target.connected(US_ACCOUNT)

    profile = stripe_target.gateway().account_profile(US_ACCOUNT)

    assert profile == AccountProfile(
        account_id=US_ACCOUNT, display_name="Remit Sandbox Shop", country="US",
        default_currency="USD", currencies=PAYMENT_CURRENCIES, livemode=False,
        email="owner@remit-sandbox-shop.example")
    assert requests_made(vcr) == 2  # the account, then its country's spec


@pytest.mark.vcr
def test_fr_account_profile(stripe_target):
    stripe_target.connected(FR_ACCOUNT)

    profile = stripe_target.gateway().account_profile(FR_ACCOUNT)

    assert (profile.display_name, profile.country, profile.default_currency) == (
        "Boutique Remit", "FR", "EUR")
    assert {"EUR", "GBP", "USD"} <= set(profile.currencies)
    assert profile.email == "contact@boutique-remit.example"


@pytest.mark.vcr
def test_unknown_account_is_rejected(stripe_target, vcr):
    with pytest.raises(GatewayRejected) as rejected:
        stripe_target.gateway().account_profile("acct_1RemitUnknown0000")

    assert "resource_missing" in str(rejected.value)
    assert rejected.value.detail  # Stripe's explanation, kept for the activity page
    assert requests_made(vcr) == 1


@pytest.mark.vcr
def test_account_not_connected_is_auth_error(stripe_target):
    with pytest.raises(GatewayAuthError, match="HTTP 403"):
        stripe_target.gateway().account_profile(FR_ACCOUNT)


@pytest.mark.vcr
def test_throttle_is_rate_limited_after_exactly_one_request(stripe_target, vcr):
    stripe_target.connected(US_ACCOUNT)
    stripe_target.force_next("429")

    with pytest.raises(GatewayRateLimited) as throttled:
        stripe_target.gateway().account_profile(US_ACCOUNT)

    assert throttled.value.retry_after is None  # Stripe sends no Retry-After (reference §3.2)
    assert requests_made(vcr) == 1


@pytest.mark.vcr
def test_outage_is_unavailable_after_exactly_one_request(stripe_target, vcr):
    """A retry would find no second recorded answer and fail as a connection error instead:
    the message proves the 503 itself was the last answer."""
    stripe_target.connected(US_ACCOUNT)
    stripe_target.force_next("503")

    with pytest.raises(GatewayUnavailable, match=r"HTTP 503"):
        stripe_target.gateway().account_profile(US_ACCOUNT)
    assert requests_made(vcr) == 1
