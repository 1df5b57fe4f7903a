"""gateways/stripe/client.py: the error table (rows no cassette covers), the call policy
(exactly one request, the timeout, no telemetry), the pinned version, and the layer rules."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import stripe
import stripe.oauth_error
from stripe._api_version import _ApiVersion

from gateways.base import (
    ConnectRefused,
    GatewayAuthError,
    GatewayError,
    GatewayRateLimited,
    GatewayRejected,
    GatewayUnavailable,
)
from gateways.stripe import client
from gateways.stripe.const import API_VERSION
from tests.gateways.stripe.loopback import Canned, Loopback, unused_port_url

GATEWAYS = Path(client.__file__).resolve().parents[1]


@pytest.mark.parametrize(("raised", "expected"), [
    (stripe.oauth_error.InvalidGrantError("invalid_grant", "Authorization code does not exist: "
                                          "ac_abc123"), ConnectRefused),
    (stripe.oauth_error.InvalidScopeError("invalid_scope", "bad scope"), ConnectRefused),
    (stripe.oauth_error.InvalidClientError("invalid_client", "not connected"), GatewayAuthError),
    (stripe.AuthenticationError("Invalid API Key provided: sk_test_****abcd", http_status=401),
     GatewayAuthError),
    (stripe.PermissionError("no access", http_status=403), GatewayAuthError),
    (stripe.RateLimitError("slow down", http_status=429), GatewayRateLimited),
    (stripe.APIConnectionError("Network error: sk_test_abc"), GatewayUnavailable),
    (stripe.APIError("boom", http_status=500), GatewayUnavailable),
    (stripe.InvalidRequestError("No such account: 'acct_1'", "account", code="resource_missing",
                                http_status=404), GatewayRejected),
    (stripe.CardError("declined", None, "card_declined", http_status=402), GatewayError),
])
def test_translation_table(raised, expected):
    translated = client.translate(raised)

    assert type(translated) is expected
    assert "sk_test" not in str(translated)


def test_oauth_refusal_keeps_the_code_and_hides_echoed_credentials():
    raised = stripe.oauth_error.InvalidGrantError("invalid_grant", "Authorization code does not "
                                                  "exist: ac_abc123")
    refused = client.translate(raised)

    assert (refused.code, refused.description) == (
        "invalid_grant", "Authorization code does not exist: ac_[hidden]")


def test_rejection_keeps_stripes_message_as_detail():
    raised = stripe.InvalidRequestError("No such account: 'acct_1'", "account",
                                        code="resource_missing", http_status=404,
                                        headers={"request-id": "req_9"})
    rejected = client.translate(raised)

    assert rejected.detail == "No such account: 'acct_1'"
    assert "resource_missing, request req_9" in str(rejected)


def test_rate_limit_honours_a_retry_after_when_one_is_sent():
    raised = stripe.RateLimitError("slow", http_status=429, headers={"Retry-After": "12"})
    assert client.translate(raised).retry_after == 12.0


def api(url: str, timeout: float = 5.0) -> client.StripeApi:
    return client.StripeApi("sk_test_platform", "ca_P", connect_base=url, api_base=url,
                            timeout=timeout)


def test_a_5xx_is_requested_exactly_once():
    """stripe-python retries 5xx when max_network_retries allows (reference §5.4)."""
    body = json.dumps({"error": {"type": "api_error", "message": "down"}})
    with Loopback(Canned(503, body, {"Content-Type": "application/json",
                                     "Stripe-Should-Retry": "true"})) as server, \
            pytest.raises(GatewayUnavailable):
        api(server.url).account("acct_1")
    assert len(server.seen) == 1


def test_each_call_sends_the_platform_key_and_the_pinned_version():
    with Loopback(Canned(200, json.dumps({"id": "US", "object": "country_spec"}))) as server:
        assert api(server.url).country_spec("US")["id"] == "US"

    (sent,) = server.seen
    assert (sent.method, sent.path) == ("GET", "/v1/country_specs/US")
    assert sent.headers["Authorization"] == "Bearer sk_test_platform"
    assert sent.headers["Stripe-Version"] == API_VERSION
    assert "telemetry_id" not in sent.headers["X-Stripe-Client-User-Agent"]
    assert "platform" not in json.loads(sent.headers["X-Stripe-Client-User-Agent"])


def test_timeouts_and_unreachable_hosts_are_unavailable_without_retry():
    with Loopback(Canned(200, "{}", delay=1.0)) as server, pytest.raises(GatewayUnavailable):
        api(server.url, timeout=0.2).account("acct_1")
    assert len(server.seen) == 1
    with pytest.raises(GatewayUnavailable):
        api(unused_port_url()).deauthorize("acct_1")


def test_telemetry_is_off_and_the_version_is_stripe_pythons():
    assert stripe.enable_telemetry is False
    assert API_VERSION == _ApiVersion.CURRENT


def test_api_repr_shows_no_key():
    assert "sk_test" not in repr(api("http://127.0.0.1:9"))


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names}
    return names | {node.module or "" for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom)}


def test_layer_rules():
    """gateways/ never imports addon/ or connectors/; only client.py imports stripe."""
    for path in sorted(GATEWAYS.rglob("*.py")):
        imported = {name.split(".")[0] for name in imports_of(path)}
        assert not imported & {"addon", "connectors", "flask", "sqlalchemy"}, path
        if path.name != "client.py":
            assert "stripe" not in imported, path
