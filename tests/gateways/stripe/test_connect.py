"""The connect flow's HTTP calls through the real clients — the code exchange through Authlib,
deauthorize through stripe-python — replayed from cassettes recorded against the sandbox
(../README.md). One cassette per behaviour.
"""

from __future__ import annotations

import dataclasses

import pytest

from gateways.base import ConnectRefused, GatewayAuthError
from tests.gateways.conftest import requests_made
from tests.gateways.stripe.conftest import FR_ACCOUNT, US_ACCOUNT


@pytest.mark.vcr
def test_code_exchange_connects_the_account(stripe_target, vcr):
    connected = stripe_target.gateway().exchange_code(stripe_target.code_for(US_ACCOUNT))

    assert requests_made(vcr) == 1
    assert (connected.account_id, connected.livemode, connected.scope) == (
        US_ACCOUNT, False, "read_write")
    # the per-account tokens Stripe still sends are not handed to the add-on at all
    assert {field.name for field in dataclasses.fields(connected)} == {
        "account_id", "livemode", "scope"}
    assert "sk_" not in repr(connected) and "rt_" not in repr(connected)


@pytest.mark.vcr
def test_reused_code_is_invalid_grant_and_revokes_the_connection(stripe_target, vcr):
    """Stripe's rule (reference §1.5): a code used twice is refused AND the connection its
    first use created is revoked, so the platform loses access to the account."""
    gateway = stripe_target.gateway()
    code = stripe_target.code_for(US_ACCOUNT)
    assert gateway.exchange_code(code).account_id == US_ACCOUNT

    with pytest.raises(ConnectRefused) as refused:
        gateway.exchange_code(code)
    assert refused.value.code == "invalid_grant"
    with pytest.raises(GatewayAuthError):
        gateway.account_profile(US_ACCOUNT)
    assert requests_made(vcr) == 3


@pytest.mark.vcr
def test_unknown_code_is_invalid_grant_without_echoing_it(stripe_target):
    code = "ac_sandbox-code-NeverIssuedByTheStandIn0" if stripe_target.mode == "sandbox" else (
        stripe_target.code_for(US_ACCOUNT))

    with pytest.raises(ConnectRefused) as refused:
        stripe_target.gateway().exchange_code(code)

    assert refused.value.code == "invalid_grant"
    assert refused.value.description.startswith("Authorization code does not exist: ac_")
    assert code not in str(refused.value) + refused.value.description


@pytest.mark.vcr
def test_refused_platform_key_is_auth_error(stripe_target):
    gateway = stripe_target.gateway(secret_key="sk_test_NotThePlatformsKeyAtAll")

    with pytest.raises(GatewayAuthError, match="HTTP 401"):
        gateway.exchange_code(stripe_target.code_for(US_ACCOUNT))


@pytest.mark.vcr
def test_deauthorize_ends_the_connection(stripe_target, vcr):
    stripe_target.connected(FR_ACCOUNT)
    gateway = stripe_target.gateway()

    assert gateway.deauthorize(FR_ACCOUNT) is None
    with pytest.raises(GatewayAuthError):  # the platform has no access any more
        gateway.account_profile(FR_ACCOUNT)
    assert requests_made(vcr) == 2


@pytest.mark.vcr
def test_deauthorizing_an_account_not_connected_is_auth_error(stripe_target, vcr):
    with pytest.raises(GatewayAuthError, match="invalid_client"):
        stripe_target.gateway().deauthorize(FR_ACCOUNT)
    assert requests_made(vcr) == 1
