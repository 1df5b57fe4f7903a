"""What the stand-in's tests after the payment share: pay a Checkout Session through the API,
read events as the add-on would (signature and shape checked), read the API as an account."""

from __future__ import annotations

import json

import pytest
import stripe

import sandbox.stripe as stripe_sandbox
from sandbox import stripe_balance, stripe_payments
from tests.gateways.stripe import shapes

API = "/stripe/api/v1"
KEY = stripe_sandbox.SANDBOX_STRIPE_SECRET_KEY
SECRET = stripe_sandbox.SANDBOX_STRIPE_WEBHOOK_SECRET
US, FR = stripe_sandbox.US_ACCOUNT, stripe_sandbox.FR_ACCOUNT
DAY = 24 * 3600


@pytest.fixture
def later(monkeypatch):
    """Move the stand-in's clocks (payments and balance) forward by some seconds."""
    now = [stripe_balance.clock()]

    def move(seconds: float) -> None:
        now[0] += seconds
    for module in (stripe_balance, stripe_payments):
        monkeypatch.setattr(module, "clock", lambda: now[0])
    return move


def headers(account: str = US, **more: str) -> dict:
    return {"Authorization": f"Bearer {KEY}", "Stripe-Account": account, **more}


def open_and_pay(client, amount: int, currency: str, account: str = US,
                 invoice: str | None = None) -> str:
    """Open a Checkout Session through the API (naming `invoice` in the payment's metadata,
    when given) and pay it with the succeeding card: the session's id."""
    form = {"mode": "payment", "line_items[0][quantity]": "1",
            "line_items[0][price_data][currency]": currency,
            "line_items[0][price_data][unit_amount]": str(amount),
            "line_items[0][price_data][product_data][name]": "Invoice",
            "success_url": "https://remit.example/thanks"}
    if invoice is not None:
        form["payment_intent_data[metadata][invoice]"] = invoice
    opened = client.post(f"{API}/checkout/sessions", data=form, headers=headers(account))
    assert opened.status_code == 200, opened.json
    stripe_sandbox.pay(opened.json["id"], stripe_sandbox.SUCCEEDING_CARD)
    return opened.json["id"]


def pay(client, amount: int, currency: str, account: str = US, invoice: str = "INV-1") -> dict:
    """Open a session through the API and pay it: the succeeded PaymentIntent, read back
    through the API (its events may be held back by the delivery scenario)."""
    session_id = open_and_pay(client, amount, currency, account, invoice)
    for each in stripe_sandbox.last_events():
        verified(each)
    session = get(client, f"checkout/sessions/{session_id}", account).json
    return get(client, f"payment_intents/{session['payment_intent']}", account).json


def verified(sent) -> dict:
    """The event as the add-on would accept it: signature checked by stripe-python, shaped as
    Stripe's (the event and its object)."""
    event = stripe.Webhook.construct_event(sent.payload, sent.headers["Stripe-Signature"],
                                           SECRET)
    body = json.loads(sent.payload)
    assert event.id == body["id"]
    assert shapes.problems(body) == [], body
    assert shapes.problems(body["data"]["object"]) == [], body["data"]["object"]
    return body


def events_since(start: int) -> list[dict]:
    """The events delivered (or held) since `start` deliveries, verified."""
    return [verified(each) for each in stripe_sandbox.events_sent()[start:]]


def get(client, path: str, account: str = US, **query):
    """GET as the account; a 200 object answer must be Stripe-shaped, expanded parts too."""
    answer = client.get(f"{API}/{path}", query_string=query, headers=headers(account))
    if answer.status_code == 200:
        rows = answer.json["data"] if answer.json.get("object") == "list" else [answer.json]
        for row in rows:
            for part in unexpanded(row):
                # The digest has no `balance`: that one is checked against the fixtures.
                known = shapes.full_resources() if part.get("object") == "balance" else None
                assert shapes.problems(part, known) == [], part
    return answer


EXPANDABLE_OBJECTS = {"balance_transaction", "charge", "dispute", "payment_intent", "payout",
                      "refund"}


def unexpanded(body: dict) -> list[dict]:
    """The object with each expanded field back to its id (as Stripe's fixtures show it),
    then each expanded object, so each can be checked against its own fixture."""
    parts, plain = [], dict(body)
    for key, value in body.items():
        if isinstance(value, dict) and value.get("object") in EXPANDABLE_OBJECTS:
            plain[key] = value["id"]
            parts += unexpanded(value)
    return [plain, *parts]


def entry_of(client, charge_or_intent: dict, account: str = US) -> dict:
    """The balance transaction of a payment's charge, read through the API."""
    intent_id = charge_or_intent.get("payment_intent") or charge_or_intent["id"]
    found = get(client, f"payment_intents/{intent_id}", account,
                **{"expand[]": "latest_charge.balance_transaction"})
    assert found.status_code == 200, found.json
    return found.json["latest_charge"]["balance_transaction"]


def missing(answer) -> bool:
    """Stripe's resource_missing answer."""
    return answer.status_code == 404 and (answer.json["error"]["type"],
                                          answer.json["error"]["code"]) == (
        "invalid_request_error", "resource_missing")
