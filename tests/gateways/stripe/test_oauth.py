"""The Authlib side of Connect OAuth: the authorize URL (no HTTP), reading the redirect back
(access_denied is not an HTTP call), the token answer, and the exchange's failures against a
loopback server — where a retry, which would resend the code, would show as a second request.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest

from gateways.base import (
    ConnectedAccount,
    ConnectRefused,
    GatewayAuthError,
    GatewayRateLimited,
    GatewayUnavailable,
    authorization_code,
)
from gateways.stripe import StripeGateway, oauth
from tests.gateways.stripe.loopback import Canned, Loopback, unused_port_url

CALLBACK = "https://remit.example/gateways/stripe/callback"
OK_TOKEN = {"access_token": "sk_test_x", "scope": "read_write", "livemode": False,
            "token_type": "bearer", "refresh_token": "rt_x", "stripe_user_id": "acct_1Abc",
            "stripe_publishable_key": "pk_test_x"}


def query(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


def test_authorize_url_asks_for_read_write_with_landing_and_prefill():
    url = StripeGateway("ca_Platform", "sk_test_k").authorize_url(
        redirect_uri=CALLBACK, state="st-1", landing="login",
        prefill={"email": "a@b.example", "country": "fr", "currency": "EUR", "url": "",
                 "business_name": "  Boutique  ", "first_name": None})

    assert url.startswith("https://connect.stripe.com/oauth/authorize?")
    assert query(url) == [
        ("response_type", "code"), ("client_id", "ca_Platform"), ("redirect_uri", CALLBACK),
        ("scope", "read_write"), ("state", "st-1"), ("stripe_landing", "login"),
        ("stripe_user[email]", "a@b.example"), ("stripe_user[country]", "FR"),
        ("stripe_user[business_name]", "Boutique"), ("stripe_user[currency]", "eur")]
    assert "stripe_user%5Bemail%5D=a%40b.example" in url  # brackets encoded, as Stripe's SDK


def test_authorize_url_follows_the_connect_base_and_register_landing():
    gateway = StripeGateway("ca_P", "sk_test_k", connect_base="http://127.0.0.1:9/stripe/connect")

    url = gateway.authorize_url(redirect_uri=CALLBACK, state="s", landing="register", prefill={})

    assert url.startswith("http://127.0.0.1:9/stripe/connect/oauth/authorize?")
    assert ("stripe_landing", "register") in query(url)
    assert not [key for key, _ in query(url) if key.startswith("stripe_user")]


@pytest.mark.parametrize(("landing", "state", "prefill"), [
    ("signup", "s", {}), ("login", "", {}), ("login", "s", {"emial": "typo@x.example"})])
def test_authorize_url_refuses_mistakes(landing, state, prefill):
    with pytest.raises(ValueError):
        oauth.authorize_url("https://connect.stripe.com/oauth/authorize", "ca_P",
                            redirect_uri=CALLBACK, state=state, landing=landing, prefill=prefill)


def test_callback_with_a_code():
    assert authorization_code({"code": "ac_1", "scope": "read_write", "state": "s"}) == "ac_1"


def test_denied_callback_is_refused_with_stripes_reason():
    with pytest.raises(ConnectRefused) as refused:
        authorization_code({"error": "access_denied",
                            "error_description": "The user denied your request", "state": "s"})
    assert (refused.value.code, refused.value.description) == (
        "access_denied", "The user denied your request")


def test_callback_without_code_or_error_is_an_invalid_request():
    with pytest.raises(ConnectRefused) as refused:
        authorization_code({"state": "s"})
    assert refused.value.code == "invalid_request"


def test_token_answer_becomes_a_connected_account():
    connected = oauth.connected_account({**OK_TOKEN, "livemode": "false"})  # stripe's test stub

    assert (connected.account_id, connected.livemode, connected.scope) == (
        "acct_1Abc", False, "read_write")
    # Stripe's access and refresh tokens and publishable key are dropped, not passed on
    assert connected == ConnectedAccount("acct_1Abc", False, "read_write")
    assert oauth.connected_account({**OK_TOKEN, "livemode": True}).livemode is True
    with pytest.raises(GatewayUnavailable):
        oauth.connected_account({"scope": "read_write"})


def exchange(url: str, timeout: float = 5.0):
    return oauth.exchange_code(url + "/oauth/token", "ca_P", "sk_test_platform", "ac_123",
                               timeout)


def test_exchange_posts_the_code_once_with_the_key_as_client_secret():
    with Loopback(Canned(200, json.dumps(OK_TOKEN))) as server:
        assert exchange(server.url).account_id == "acct_1Abc"

    (sent,) = server.seen
    assert (sent.method, sent.path) == ("POST", "/oauth/token")
    assert dict(parse_qsl(sent.body.decode())) == {
        "grant_type": "authorization_code", "code": "ac_123", "client_id": "ca_P",
        "client_secret": "sk_test_platform"}
    assert "Authorization" not in sent.headers


@pytest.mark.parametrize(("canned", "error"), [
    (Canned(503, '{"error": {"type": "api_error", "message": "down"}}'), GatewayUnavailable),
    (Canned(502, "<html>Bad gateway</html>", {"Content-Type": "text/html"}), GatewayUnavailable),
    (Canned(429, '{"error": {"type": "invalid_request_error", "message": "slow"}}',
            {"Content-Type": "application/json", "Retry-After": "3"}), GatewayRateLimited),
    (Canned(401, '{"error": {"type": "invalid_request_error", "message": "Invalid API Key '
                 'provided: sk_test_****form"}}'), GatewayAuthError),
    (Canned(200, "<html>not json</html>", {"Content-Type": "text/html"}), GatewayUnavailable),
])
def test_exchange_failures_are_translated_after_exactly_one_request(canned, error):
    with Loopback(canned) as server, pytest.raises(error) as raised:
        exchange(server.url)

    assert len(server.seen) == 1
    assert "sk_test" not in str(raised.value)
    if error is GatewayRateLimited:
        assert raised.value.retry_after == 3.0


def test_oauth_errors_end_the_flow_without_echoing_the_code():
    body = {"error": "invalid_grant", "error_description": "Authorization code does not "
                                                           "exist: ac_123"}
    with Loopback(Canned(400, json.dumps(body))) as server, \
            pytest.raises(ConnectRefused) as refused:
        exchange(server.url)

    assert refused.value.code == "invalid_grant"
    assert refused.value.description == "Authorization code does not exist: ac_[hidden]"
    assert len(server.seen) == 1


def test_invalid_client_at_the_token_endpoint_is_an_auth_error():
    body = {"error": "invalid_client", "error_description": "No such application"}
    with Loopback(Canned(401, json.dumps(body))) as server, pytest.raises(GatewayAuthError):
        exchange(server.url)


def test_unreachable_or_slow_token_endpoint_is_unavailable():
    with pytest.raises(GatewayUnavailable):
        exchange(unused_port_url())
    with Loopback(Canned(200, json.dumps(OK_TOKEN), delay=1.0)) as server, \
            pytest.raises(GatewayUnavailable):
        exchange(server.url, timeout=0.2)
    assert len(server.seen) == 1
