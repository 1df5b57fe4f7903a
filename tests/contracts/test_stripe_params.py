"""Every Stripe request Remit sends, checked against stripe-python's generated parameter types
for the pinned API version (tests/contracts/stripe_params.py): every request recorded in the
Stripe cassettes, the Checkout parameters checkout.py builds, and proof that every StripeClient
call in gateways/stripe is recorded somewhere (so a call a helper adds is checked too)."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import stripe
import yaml

from gateways.base import CheckoutRequest
from gateways.stripe.checkout import session_params
from tests.conftest import REPO_ROOT
from tests.contracts import stripe_params

CASSETTES = sorted((REPO_ROOT / "tests" / "gateways" / "stripe" / "cassettes").rglob("*.yaml"))
BASES = {"api.stripe.com": "api", "connect.stripe.com": "connect"}
GATEWAY = REPO_ROOT / "gateways" / "stripe"
CHECKOUT = CheckoutRequest(
    account_id="acct_1Abc", currency="USD", amount_minor=12050, description="Invoices 1001, 1002",
    customer_email="payer@example.com",
    metadata={"remit_company": "7", "remit_invoices": "1001,1002", "remit_amounts": "100.00,20.50"},
    success_url="https://remit.example/pay/t/thanks", cancel_url="https://remit.example/pay/t",
    idempotency_key="remit-checkout-1")


def recorded_requests() -> list[tuple[str, str, str, dict]]:
    """(method, base, path, decoded parameters) of every request in the Stripe cassettes."""
    found = []
    for cassette in CASSETTES:
        for item in yaml.safe_load(cassette.read_text())["interactions"]:
            request = item["request"]
            url = urlsplit(request["uri"])
            body = request["body"] or ""
            body = body.decode() if isinstance(body, bytes) else body
            sent = stripe_params.decode_form(body or url.query)
            found.append((request["method"], BASES[url.hostname], url.path, sent))
    return found


REQUESTS = recorded_requests()


def client_calls() -> set[str]:
    """Dotted StripeClient calls written in gateways/stripe (`client.v1.checkout.sessions…`)."""
    found = set()
    for path in GATEWAY.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                dotted = ast.unparse(node.func)
                if dotted.startswith("client.") and dotted.count(".") >= 2:
                    found.add(dotted.removeprefix("client."))
    return found


def endpoint_of_call(dotted: str) -> stripe_params.Endpoint | None:
    target = stripe.StripeClient("sk_test_unused")
    for part in dotted.split("."):
        target = getattr(target, part)
    return stripe_params.operation_of(target)


def test_there_are_stripe_requests_with_parameters():
    assert len(REQUESTS) >= 20
    assert sum(1 for *_, sent in REQUESTS if sent) >= 10


@pytest.mark.parametrize(("method", "base", "path", "sent"), REQUESTS,
                         ids=[f"{m} {p}" for m, _, p, _ in REQUESTS])
def test_every_recorded_request_fits_stripes_parameter_types(method, base, path, sent):
    endpoint = stripe_params.endpoint_for(method, base, path)

    assert endpoint is not None, f"stripe-python has no {method} {path} on {base}"
    assert stripe_params.problems(endpoint, sent) == []


@pytest.mark.parametrize("request_", [
    CHECKOUT,
    replace(CHECKOUT, currency="JPY", amount_minor=5000, customer_email=None, metadata={}),
    replace(CHECKOUT, currency="KWD", amount_minor=12345, description="Facture FA-0001 — été"),
], ids=["usd", "jpy-without-email", "kwd"])
def test_the_checkout_parameters_remit_builds_fit_the_types(request_):
    endpoint = stripe_params.endpoint_for("POST", "api", "/v1/checkout/sessions")
    on_the_wire = stripe_params.decode_form(stripe_params.encode(session_params(request_)))

    assert stripe_params.problems(endpoint, on_the_wire) == []


def test_every_stripe_call_in_the_gateway_is_recorded_and_so_checked():
    calls = client_calls()
    assert {"v1.checkout.sessions.create", "v1.accounts.retrieve", "oauth.deauthorize",
            "v1.balance_transactions.retrieve", "v1.balance_transactions.list",
            "v1.payment_intents.retrieve", "v1.payouts.retrieve", "v1.balance.retrieve"} <= calls
    recorded = {(stripe_params.endpoint_for(m, b, p) or p) for m, b, p, _ in REQUESTS}
    for dotted in calls:
        endpoint = endpoint_of_call(dotted)
        assert endpoint is not None, f"client.{dotted}: no stripe-python endpoint"
        assert endpoint in recorded, f"client.{dotted} is in no cassette, so never checked"


def test_the_oauth_exchange_may_authenticate_in_the_body_only_there():
    token = stripe_params.endpoint_for("POST", "connect", "/oauth/token")
    deauthorize = stripe_params.endpoint_for("POST", "connect", "/oauth/deauthorize")
    exchange = {"grant_type": "authorization_code", "code": "ac_1", "client_id": "ca_1",
                "client_secret": "sk_x"}

    assert stripe_params.problems(token, exchange) == []
    assert stripe_params.problems(token, {**exchange, "grant_type": "password"}) != []
    assert stripe_params.problems(deauthorize, {"stripe_user_id": "acct_1",
                                                "client_secret": "sk_x"}) == [
        "client_secret: unknown to OAuthDeauthorizeParams"]


@pytest.mark.parametrize(("change", "complaint"), [
    ({"expires_in": "3600"}, "expires_in: unknown to SessionCreateParams"),
    ({"mode": "pay"}, "mode: 'pay' not one of"),
    ({"expires_at": "soon"}, "expires_at: 'soon' is not of type int"),
    ({"line_items": [{"quantity": "1", "price_data": {"unit_amount": "120.50",
                                                      "product_data": {"name": "x"}}}]},
     "line_items[0].price_data.unit_amount: '120.50' is not of type int"),
    ({"line_items": [{"quantity": "1", "price_data": {"unit_amount": "5",
                                                      "product_data": {"name": "x"}}}]},
     "line_items[0].price_data.currency: required by"),
    ({"stripe_account": "acct_1"}, "stripe_account: a request option, not a parameter"),
    ({"metadata": "7"}, "metadata: expected a map"),
])
def test_a_bad_checkout_parameter_is_rejected(change, complaint):
    endpoint = stripe_params.endpoint_for("POST", "api", "/v1/checkout/sessions")
    sent = {**stripe_params.decode_form(stripe_params.encode(session_params(CHECKOUT))), **change}

    found = stripe_params.problems(endpoint, sent)

    assert any(problem.startswith(complaint) for problem in found), found


def test_a_deprecated_parameter_is_rejected():
    endpoint = stripe_params.endpoint_for("POST", "api", "/v1/account_links")
    sent = {"account": "acct_1", "type": "account_onboarding", "collect": "eventually_due",
            "refresh_url": "https://remit.example/r", "return_url": "https://remit.example/b"}

    assert stripe_params.problems(endpoint, sent) == [
        "collect: deprecated in AccountLinkCreateParams"]


def test_the_session_expire_a_helper_may_add_is_indexed():
    """Checkout `expire` (and `expires_at` on create) are checked without any table change."""
    endpoint = endpoint_of_call("v1.checkout.sessions.expire")

    assert endpoint.template == "/v1/checkout/sessions/{session}/expire"
    assert stripe_params.problems(endpoint, {}) == []
    assert stripe_params.problems(endpoint, {"reason": "paid"}) == [
        "reason: unknown to SessionExpireParams"]
    create = stripe_params.endpoint_for("POST", "api", "/v1/checkout/sessions")
    sent = stripe_params.decode_form(stripe_params.encode(
        {**session_params(CHECKOUT), "expires_at": 1_800_000_000}))
    assert stripe_params.problems(create, sent) == []


def test_the_payout_listing_remit_pages_through_fits_the_types():
    """Every page but the first adds `starting_after`, which no recording from the stand-in
    reaches (a page holds 100 entries): checked here."""
    endpoint = stripe_params.endpoint_for("GET", "api", "/v1/balance_transactions")
    page = {"payout": "po_1", "limit": 100, "expand": ["data.source"]}

    for sent in (page, {**page, "starting_after": "txn_1"}):
        assert stripe_params.problems(
            endpoint, stripe_params.decode_form(stripe_params.encode(sent))) == []
    assert stripe_params.problems(endpoint, {**page, "limit": "all"}) == [
        "limit: 'all' is not of type int"]
    assert stripe_params.problems(endpoint, {**page, "expand": "data.source"}) == [
        "expand: expected a list, got 'data.source'"]


def test_form_bodies_decode_as_stripe_reads_them():
    assert stripe_params.decode_form("a[0][b]=1&a[1][b]=2&m[k]=v&e[0]=x&n=") == {
        "a": [{"b": "1"}, {"b": "2"}], "m": {"k": "v"}, "e": ["x"], "n": ""}
    assert Path(stripe_params.__file__).name == "stripe_params.py"
