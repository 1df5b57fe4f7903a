"""StripeGateway without HTTP: the protocol it implements, what its reprs hide, how an account
and its country spec become an AccountProfile, and ids refused before they reach a URL."""

from __future__ import annotations

import pytest

from gateways.base import (
    AccountProfile,
    ConnectRefused,
    GatewayError,
    GatewayProvider,
    GatewayRateLimited,
    GatewayRejected,
    WebhookRejected,
)
from gateways.stripe import StripeGateway
from gateways.stripe.provider import profile

SPEC = {"id": "FR", "object": "country_spec", "default_currency": "eur",
        "supported_payment_currencies": ["usd", "eur", "gbp", "eur"]}


def account(**overrides) -> dict:
    base = {"id": "acct_1Abc", "object": "account", "country": "FR", "default_currency": "eur",
            "email": "owner@shop.example", "business_profile": {"name": "Shop SARL"},
            "settings": {"dashboard": {"display_name": "Shop"}}}
    return {**base, **overrides}


def test_stripe_gateway_is_a_gateway_provider():
    gateway: GatewayProvider = StripeGateway("ca_P", "sk_test_k")
    assert (gateway.kind, gateway.display_name) == ("stripe", "Stripe")
    for method in ("authorize_url", "exchange_code", "account_profile", "deauthorize",
                   "verify_event", "movements", "balance_entry", "payment_settlement", "payout",
                   "payout_entries", "balances"):
        assert callable(getattr(gateway, method))


def test_reprs_hide_keys():
    gateway = StripeGateway("ca_P", "sk_" + "live_verysecret")  # assembled: see scanners

    assert "verysecret" not in repr(gateway)


def test_livemode_follows_the_platform_key():
    assert StripeGateway("ca_P", "sk_live_k").livemode is True
    assert StripeGateway("ca_P", "rk_live_k").livemode is True
    assert StripeGateway("ca_P", "sk_test_k").livemode is False


def test_profile_from_account_and_country_spec():
    assert profile(account(), SPEC, livemode=False) == AccountProfile(
        account_id="acct_1Abc", display_name="Shop", country="FR", default_currency="EUR",
        currencies=("EUR", "GBP", "USD"), livemode=False, email="owner@shop.example")


@pytest.mark.parametrize(("overrides", "name"), [
    ({"settings": {"dashboard": {"display_name": None}}}, "Shop SARL"),
    ({"settings": None, "business_profile": {"name": ""}}, "owner@shop.example"),
    ({"settings": {}, "business_profile": None, "email": None}, "acct_1Abc"),
])
def test_display_name_falls_back(overrides, name):
    found = profile(account(**overrides), SPEC, livemode=True)
    assert found.display_name == name


def test_account_ids_are_checked_before_any_call():
    gateway = StripeGateway("ca_P", "sk_test_k", api_base="http://127.0.0.1:9")
    for bad in ("acct_1/../../v1/charges", "cus_1", "", "acct_"):
        with pytest.raises(ValueError):
            gateway.account_profile(bad)
        with pytest.raises(ValueError):
            gateway.deauthorize(bad)


def test_errors_carry_what_callers_branch_on():
    assert GatewayRateLimited("slow", retry_after=3).retry_after == 3
    assert GatewayRejected("no", detail="No such account").detail == "No such account"
    refused = ConnectRefused("invalid_grant", "used twice")
    assert isinstance(refused, GatewayError)
    assert (refused.code, refused.description) == ("invalid_grant", "used twice")
    assert WebhookRejected("missing header").reason == "missing header"
