"""The Stripe stand-in's Checkout Sessions API through Flask's test client: create as a connected
account (Stripe-shaped answers), Stripe's idempotency rules, parameter refusals, retrieval —
and the form decoding that reads stripe-python's bracketed parameters."""

from __future__ import annotations

import pytest

import sandbox.stripe as stripe_sandbox
from sandbox.stripe_wire import nested_form
from tests.gateways.stripe import shapes

SESSIONS = "/stripe/api/v1/checkout/sessions"
KEY = stripe_sandbox.SANDBOX_STRIPE_SECRET_KEY
US, FR = stripe_sandbox.US_ACCOUNT, stripe_sandbox.FR_ACCOUNT
FORM = {
    "mode": "payment", "line_items[0][quantity]": "1",
    "line_items[0][price_data][currency]": "usd",
    "line_items[0][price_data][unit_amount]": "12050",
    "line_items[0][price_data][product_data][name]": "Invoice 1001",
    "metadata[remit_invoices]": "1001", "metadata[remit_amounts]": "120.50",
    "payment_intent_data[metadata][remit_invoices]": "1001",
    "payment_intent_data[metadata][remit_amounts]": "120.50",
    "customer_email": "payer@example.com",
    "success_url": "https://remit.example/thanks?s={CHECKOUT_SESSION_ID}",
    "cancel_url": "https://remit.example/pay",
}


@pytest.fixture(autouse=True)
def us_account_connected(fresh_sandbox):
    stripe_sandbox.connect(US)


def headers(account: str | None = US, key: str | None = "remit-k-1") -> dict:
    made = {"Authorization": f"Bearer {KEY}"}
    if account:
        made["Stripe-Account"] = account
    if key:
        made["Idempotency-Key"] = key
    return made


def create(client, form: dict | None = None, **options):
    return client.post(SESSIONS, data=FORM if form is None else form, headers=headers(**options))


def shaped(response) -> dict:
    assert shapes.problems(response.json) == [], response.json
    return response.json


def test_a_session_is_opened_on_the_connected_account_in_stripes_shape(client):
    answer = create(client)

    session = shaped(answer)
    assert answer.status_code == 200 and answer.headers["Request-Id"].startswith("req_")
    assert session["id"].startswith("cs_test_a1")
    assert session["url"] == f"http://localhost/stripe/checkout/c/pay/{session['id']}"
    assert (session["object"], session["mode"], session["status"], session["payment_status"],
            session["livemode"]) == ("checkout.session", "payment", "open", "unpaid", False)
    assert (session["amount_total"], session["amount_subtotal"], session["currency"]) == (
        12050, 12050, "usd")
    assert session["metadata"] == {"remit_invoices": "1001", "remit_amounts": "120.50"}
    assert session["payment_intent"] is None  # made when the customer pays
    assert session["customer_email"] == "payer@example.com"
    assert (session["success_url"], session["cancel_url"]) == (FORM["success_url"],
                                                               FORM["cancel_url"])
    assert session["expires_at"] == session["created"] + 24 * 3600


def test_several_line_items_add_up(client):
    form = {**FORM, "line_items[1][quantity]": "2",
            "line_items[1][price_data][currency]": "usd",
            "line_items[1][price_data][unit_amount]": "1000",
            "line_items[1][price_data][product_data][name]": "Invoice 1002"}
    assert shaped(create(client, form))["amount_total"] == 14050


def test_the_owner_retrieves_it_and_no_one_else(client):
    session_id = create(client).json["id"]
    stripe_sandbox.connect(FR)

    found = client.get(f"{SESSIONS}/{session_id}", headers=headers(key=None))
    assert shaped(found)["id"] == session_id
    for other in (FR, None):
        missing = client.get(f"{SESSIONS}/{session_id}", headers=headers(other, key=None))
        assert missing.status_code == 404
        assert shaped(missing)["error"]["message"] == (
            f"No such checkout.session: '{session_id}'")


def test_the_same_key_and_parameters_answer_the_first_session_again(client):
    first = create(client)
    again = create(client)

    assert again.status_code == 200 and again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Original-Request"] == first.headers["Request-Id"]
    assert len(stripe_sandbox.stripe_payments.sessions()) == 1


def test_the_same_key_with_other_parameters_is_an_idempotency_error(client):
    create(client)
    refused = create(client, {**FORM, "line_items[0][price_data][unit_amount]": "100"})

    error = shaped(refused)["error"]
    assert refused.status_code == 400 and error["type"] == "idempotency_error"
    assert len(stripe_sandbox.stripe_payments.sessions()) == 1


def test_keys_are_per_account_and_absent_keys_make_new_sessions(client):
    stripe_sandbox.connect(FR)
    assert create(client).json["id"] != create(client, account=FR).json["id"]
    assert create(client, key=None).json["id"] != create(client, key=None).json["id"]
    assert create(client, key="k" * 256).status_code == 400


def test_a_refused_request_is_not_kept_under_its_key(client):
    """Stripe keeps only requests that ran: fix the parameter, retry with the same key."""
    assert create(client, {**FORM, "mode": ""}).status_code == 400
    assert create(client).status_code == 200


def test_forced_failures_are_not_kept_under_the_key(client):
    stripe_sandbox.force_next("503")
    assert create(client).status_code == 503
    assert shaped(create(client))["status"] == "open"


@pytest.mark.parametrize(("changes", "param", "code"), [
    ({"mode": ""}, "mode", "parameter_missing"),
    ({"mode": "subscription"}, "mode", "parameter_invalid"),
    ({"line_items[0][price_data][currency]": "xyz"},
     "line_items[0][price_data][currency]", "parameter_invalid"),
    ({"line_items[0][price_data][unit_amount]": "12.50"},
     "line_items[0][price_data][unit_amount]", "parameter_invalid_integer"),
    ({"line_items[0][price_data][unit_amount]": "0"}, "line_items", "amount_too_small"),
    ({"line_items[0][quantity]": "0"}, "line_items[0][quantity]", "parameter_invalid_integer"),
    ({"line_items[0][price_data][product_data][name]": ""},
     "line_items[0][price_data][product_data][name]", "parameter_missing"),
    ({"line_items[0][price]": "price_1"}, "line_items[0][price]", "resource_missing"),
    ({"customer_email": "not-an-email"}, "customer_email", "email_invalid"),
    ({"success_url": "/relative"}, "success_url", "url_invalid"),
    ({"metadata[remit_invoices]": "1" * 501}, "metadata[remit_invoices]", "parameter_invalid"),
    ({"metadata[" + "k" * 41 + "]": "v"}, "metadata", "parameter_invalid"),
    ({"payment_intent_data[description]": "x"}, "payment_intent_data", "parameter_unknown"),
    ({"ui_mode": "embedded"}, "ui_mode", "parameter_unknown"),
])
def test_parameters_stripe_would_refuse(client, changes, param, code):
    answer = create(client, {**FORM, **changes}, key=None)

    error = shaped(answer)["error"]
    assert answer.status_code == 400 and (error["param"], error["code"]) == (param, code)
    assert error["type"] == "invalid_request_error"


def test_sessions_need_a_connected_account_and_the_platform_key(client):
    assert create(client, account=None).status_code == 400
    assert create(client, account=FR).status_code == 403  # not connected
    anonymous = client.post(SESSIONS, data=FORM)
    assert anonymous.status_code == 401
    assert client.post(SESSIONS, data={"a[b": "1"}, headers=headers()).status_code == 400


def test_nested_form_reads_stripe_pythons_encoding():
    assert nested_form([("mode", "payment"), ("line_items[1][quantity]", "2"),
                        ("line_items[0][price_data][currency]", "usd"),
                        ("metadata[0]", "kept as a key"),
                        ("payment_intent_data[metadata][7]", "also")]) == {
        "mode": "payment",
        "line_items": [{"price_data": {"currency": "usd"}}, {"quantity": "2"}],
        "metadata": {"0": "kept as a key"},
        "payment_intent_data": {"metadata": {"7": "also"}},
    }
    for clash in ([("a", "1"), ("a[b]", "2")], [("a[b]", "2"), ("a", "1")], [("a]", "1")]):
        with pytest.raises(ValueError):
            nested_form(clash)
