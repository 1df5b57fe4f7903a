"""The Stripe stand-in's API (accounts, country specs, forced failures) and console (the
owner's "Disconnect", which posts a signed account.application.deauthorized event), through
Flask's test client; events are verified with stripe-python's own verification."""

from __future__ import annotations

import pytest
import stripe
from stripe._api_version import _ApiVersion

import sandbox
import sandbox.stripe as stripe_sandbox
from sandbox import stripe_state
from tests.gateways.stripe import shapes
from tests.gateways.stripe.loopback import Canned, Loopback, unused_port_url

API = "/stripe/api/v1"
BEARER = {"Authorization": f"Bearer {stripe_sandbox.SANDBOX_STRIPE_SECRET_KEY}"}
US, FR = stripe_sandbox.US_ACCOUNT, stripe_sandbox.FR_ACCOUNT
SECRET = stripe_sandbox.SANDBOX_STRIPE_WEBHOOK_SECRET



def shaped(response) -> dict:
    assert shapes.problems(response.json) == [], response.json
    return response.json


def test_a_connected_account_as_stripe_shows_it(client):
    stripe_sandbox.connect(US)

    answer = client.get(f"{API}/accounts/{US}", headers=BEARER)

    account = shaped(answer)
    assert answer.headers["Request-Id"].startswith("req_")
    assert (account["id"], account["object"], account["type"], account["country"],
            account["default_currency"]) == (US, "account", "standard", "US", "usd")
    assert account["settings"]["dashboard"]["display_name"] == "Remit Sandbox Shop"


def test_only_connected_accounts_are_shown(client):
    refused = client.get(f"{API}/accounts/{FR}", headers=BEARER)
    assert refused.status_code == 403 and shaped(refused)["error"]["code"] == "account_invalid"
    missing = client.get(f"{API}/accounts/acct_1Nobody", headers=BEARER)
    assert missing.status_code == 404
    assert shaped(missing)["error"] == {
        "code": "resource_missing", "doc_url": "https://stripe.com/docs/error-codes/"
        "resource-missing", "message": "No such account: 'acct_1Nobody'", "param": "account",
        "type": "invalid_request_error"}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer sk_test_someoneelse"}])
def test_the_api_wants_the_platform_key(client, headers):
    answer = client.get(f"{API}/country_specs/US", headers=headers)
    assert answer.status_code == 401 and shaped(answer)["error"]["type"] == (
        "invalid_request_error")


def test_acting_as_an_account_not_connected_is_refused(client):
    answer = client.get(f"{API}/country_specs/US", headers={**BEARER, "Stripe-Account": FR})
    assert answer.status_code == 403


@pytest.mark.parametrize(("country", "default"), [
    ("US", "usd"), ("FR", "eur"), ("GB", "gbp"), ("CA", "cad"), ("DE", "eur")])
def test_country_specs(client, country, default):
    spec = shaped(client.get(f"{API}/country_specs/{country}", headers=BEARER))

    assert (spec["id"], spec["default_currency"]) == (country, default)
    assert default in spec["supported_bank_account_currencies"]
    assert spec["supported_payment_currencies"] == sorted(spec["supported_payment_currencies"])
    assert {"usd", "eur", "gbp"} <= set(spec["supported_payment_currencies"])


def test_unknown_country_and_unknown_urls_are_404(client):
    assert shaped(client.get(f"{API}/country_specs/XX", headers=BEARER))["error"]["code"] == (
        "resource_missing")
    answer = client.get(f"{API}/charges", headers=BEARER)
    assert answer.status_code == 404 and "Unrecognized request URL" in shaped(answer)[
        "error"]["message"]


@pytest.mark.parametrize(("failure", "status", "kind"), [("429", 429, "invalid_request_error"),
                                                         ("503", 503, "api_error")])
def test_forced_failures_hit_the_next_answer_only(client, failure, status, kind):
    stripe_sandbox.force_next(failure)

    answer = client.get(f"{API}/country_specs/US", headers=BEARER)
    assert answer.status_code == status and shaped(answer)["error"]["type"] == kind
    assert client.get(f"{API}/country_specs/US", headers=BEARER).status_code == 200
    with pytest.raises(ValueError):
        stripe_sandbox.force_next("418")


def test_deauthorized_event_is_a_connect_event_in_stripes_shape():
    event = stripe_sandbox.deauthorized_event(FR)

    assert shapes.problems(event) == []
    assert (event["type"], event["account"], event["livemode"]) == (
        "account.application.deauthorized", FR, False)
    assert event["api_version"] == _ApiVersion.CURRENT
    assert event["data"]["object"]["id"] == stripe_sandbox.SANDBOX_STRIPE_CLIENT_ID


def test_send_event_signs_as_stripe_does():
    event = stripe_sandbox.deauthorized_event(US)
    with Loopback(Canned(200, "")) as addon:
        assert stripe_sandbox.send_event(event, addon.url + "/webhooks/stripe") == 200

    (sent,) = addon.seen
    assert (sent.method, sent.path) == ("POST", "/webhooks/stripe")
    verified = stripe.Webhook.construct_event(sent.body, sent.headers["Stripe-Signature"],
                                              SECRET, tolerance=300)
    assert verified.to_dict() == event
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.WebhookSignature.verify_header(sent.body, sent.headers["Stripe-Signature"],
                                              "whsec_other", 300)


def test_console_lists_accounts_and_the_owners_disconnect(client):
    stripe_sandbox.connect(US)

    page = client.get("/stripe/").get_data(as_text=True)

    assert "Remit Sandbox Shop" in page and "Boutique Remit" in page
    assert page.count("Disconnect this account from the platform (as its owner would in "
                      "Stripe's dashboard)") == 1  # only the connected one
    assert "http://127.0.0.1:5000/webhooks/stripe" in page  # the default REMIT_ADDON_URL


def test_console_disconnect_ends_the_connection_and_tells_the_addon():
    stripe_sandbox.connect(FR)
    with Loopback(Canned(200, "")) as addon:
        client = sandbox.create_app({"REMIT_ADDON_URL": addon.url + "/"}).test_client()
        answer = client.post(f"/stripe/controls/disconnect/{FR}", follow_redirects=True)

    assert stripe_state.connection(FR) is None
    assert "answered HTTP 200" in answer.get_data(as_text=True)
    (sent,) = addon.seen
    assert sent.path == "/webhooks/stripe"
    event = stripe.Webhook.construct_event(sent.body, sent.headers["Stripe-Signature"],
                                           SECRET).to_dict()
    assert (event["type"], event["account"]) == ("account.application.deauthorized", FR)


def test_console_disconnect_reports_an_unreachable_addon_or_no_connection():
    client = sandbox.create_app({"REMIT_ADDON_URL": unused_port_url()}).test_client()
    stripe_sandbox.connect(US)

    answer = client.post(f"/stripe/controls/disconnect/{US}", follow_redirects=True)
    assert "could not be delivered" in answer.get_data(as_text=True)
    assert stripe_state.connection(US) is None
    again = client.post(f"/stripe/controls/disconnect/{US}", follow_redirects=True)
    assert "was not connected" in again.get_data(as_text=True)
    with pytest.raises(LookupError):
        stripe_sandbox.disconnect(US, unused_port_url())


def test_console_controls_force_and_reset(client):
    client.post("/stripe/controls/force/503")
    assert client.get(f"{API}/country_specs/US", headers=BEARER).status_code == 503
    assert client.post("/stripe/controls/force/999").status_code == 404
    stripe_sandbox.connect(US)
    stripe_state.create_account("Extra", "x@extra.example", "DE", "eur")
    stripe_sandbox.force_next("429")

    client.post("/stripe/controls/reset")

    assert [a["id"] for a in stripe_state.accounts()] == [US, FR]
    assert stripe_state.connections() == []
    assert client.get(f"{API}/country_specs/US", headers=BEARER).status_code == 200
