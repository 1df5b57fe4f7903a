"""The gateway contract: the same behaviours, written once, run against every registered gateway
(addon.gateways.registry.KINDS) through the registry's own factory and the plugin's harness
(plugins/<key>.py): webhooks verified through receive() (a signature in a header or inside the
body alike), connect refusals mapped, checkout created, throttling and outages mapped."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from addon.gateways.registry import KINDS
from gateways.base import (
    ConnectRefused,
    EventKind,
    GatewayRateLimited,
    GatewayUnavailable,
    WebhookRejected,
)
from tests.connectors.conftest import vendor_url
from tests.contracts.harness import replay

TOO_OLD = 3600  # seconds: far beyond any gateway's replay window


def provider(gateway):
    """The plugin's provider as the add-on builds it: the registry entry's factory."""
    return KINDS[gateway.key].factory(gateway.config, vendor_url)


def secret(gateway) -> str:
    return KINDS[gateway.key].secret(gateway.config)


@pytest.mark.parametrize("kind", [EventKind.PAYMENT, EventKind.DEAUTHORIZED])
def test_a_well_signed_webhook_is_received_as_typed_events(gateway, kind):
    """Money moved, or the account left the platform: each typed, whatever the gateway calls
    it, and a stored event reads back the same."""
    body, headers = gateway.webhook(secret(gateway), kind=kind)

    events = provider(gateway).receive(body, headers, secret(gateway))

    assert [event.id for event in events] == gateway.event_ids[kind]
    for event in events:
        assert event.kind is kind and event.type
        assert provider(gateway).event(event.payload) == event  # stored, then read again


@pytest.mark.parametrize("forgery", ["wrong secret", "too old", "body changed", "no secret"])
def test_a_badly_signed_webhook_is_refused(gateway, forgery):
    signing_secret = "whsec_not_the_endpoints" if forgery == "wrong secret" else secret(gateway)
    body, headers = gateway.webhook(signing_secret, age=TOO_OLD if forgery == "too old" else 0,
                                    tampered=forgery == "body changed")
    configured = None if forgery == "no secret" else secret(gateway)

    with pytest.raises(WebhookRejected) as refused:
        provider(gateway).receive(body, headers, configured)

    assert refused.value.reason and secret(gateway) not in refused.value.reason  # safe to log


def test_a_refused_code_exchange_is_connect_refused(gateway, mode, gateway_vcr):
    case = gateway.cases["connect_refused"]

    with replay(case, gateway_vcr, mode), pytest.raises(ConnectRefused) as caught:
        provider(gateway).exchange_code(gateway.refused_code)

    assert caught.value.code == "invalid_grant"
    assert gateway.refused_code not in str(caught.value) + caught.value.description


def test_a_checkout_is_created_on_the_connected_account(gateway, mode, gateway_vcr):
    case = gateway.cases["checkout"]
    gateway_provider = provider(gateway)

    with replay(case, gateway_vcr, mode) as cassette:
        session = gateway_provider.create_checkout(gateway.checkout)

    assert session.id and len(cassette.requests) == 1  # one attempt: retries are the caller's
    page = urlsplit(session.url)
    assert f"{page.scheme}://{page.netloc}" in gateway_provider.page_origins
    assert gateway.checkout.idempotency_key in cassette.requests[0].headers.values()


def test_throttling_is_rate_limited(gateway, mode, gateway_vcr):
    case = gateway.cases["rate_limited"]

    with replay(case, gateway_vcr, mode) as cassette, \
            pytest.raises(GatewayRateLimited):
        provider(gateway).account_profile(case.company)

    assert [response["status"]["code"] for response in cassette.responses] == [429]


def test_an_outage_is_unavailable(gateway, mode, gateway_vcr):
    case = gateway.cases["outage"]

    with replay(case, gateway_vcr, mode) as cassette, \
            pytest.raises(GatewayUnavailable):
        provider(gateway).account_profile(case.company)

    assert [response["status"]["code"] for response in cassette.responses] == [503]

