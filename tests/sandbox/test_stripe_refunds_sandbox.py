"""Refunds in the Stripe stand-in, asked by Remit (POST /v1/refunds, idempotent) or made in the
dashboard (`sandbox.stripe.refund`): partial then the rest, a second refund, more than what
remains refused with Stripe's codes, a `refund` balance transaction without fee, the charge's
amount_refunded, and the events refund.created, charge.refunded, refund.updated."""

from __future__ import annotations

import time

import pytest
import stripe

import sandbox
import sandbox.stripe as stripe_sandbox
from tests.conftest import SANDBOX_APPS
from tests.sandbox.stripe_money import FR, KEY, US, events_since, get, headers, missing, pay

API = "/stripe/api/v1"
NOWHERE = "http://127.0.0.1:9"  # nothing listens: events are recorded, not received


@pytest.fixture(autouse=True)
def connected(fresh_sandbox):
    stripe_sandbox.connect(US)
    stripe_sandbox.connect(FR)


@pytest.fixture
def client():
    return sandbox.create_app({"REMIT_ADDON_URL": NOWHERE}).test_client()


def refund(client, account: str = US, key: str | None = None, **form):
    """POST /v1/refunds; the answer is closed, as a real HTTP server closes it once sent, which
    is when the stand-in sends the refund's events."""
    more = {"Idempotency-Key": key} if key else {}
    answer = client.post(f"{API}/refunds", data=form, headers=headers(account, **more))
    answer.close()
    return answer


def test_a_partial_refund_then_the_rest_then_nothing_left(client):
    intent = pay(client, 10000, "usd", invoice="INV-9")
    start = len(stripe_sandbox.events_sent())

    first = refund(client, payment_intent=intent["id"], amount="3000",
                   reason="requested_by_customer")
    second = refund(client, charge=intent["latest_charge"])  # the rest

    assert first.status_code == second.status_code == 200, (first.json, second.json)
    assert (first.json["amount"], second.json["amount"]) == (3000, 7000)
    for made in (first.json, second.json):
        assert (made["status"], made["payment_intent"], made["charge"], made["currency"]) == (
            "succeeded", intent["id"], intent["latest_charge"], "usd")
        assert get(client, f"refunds/{made['id']}").json == made
        entry = get(client, f"balance_transactions/{made['balance_transaction']}",
                    **{"expand[]": "source"}).json
        assert (entry["type"], entry["reporting_category"], entry["amount"], entry["fee"],
                entry["net"], entry["status"]) == (
            "refund", "refund", -made["amount"], 0, -made["amount"], "available")
        assert entry["source"]["payment_intent"] == intent["id"]
    charge = get(client, f"charges/{intent['latest_charge']}").json
    assert (charge["amount_refunded"], charge["refunded"]) == (10000, True)

    sent = events_since(start)
    assert [e["type"] for e in sent] == ["refund.created", "charge.refunded",
                                         "refund.updated"] * 2
    refunded = [e["data"]["object"] for e in sent if e["type"] == "charge.refunded"]
    assert [(c["amount_refunded"], c["refunded"], c["metadata"]) for c in refunded] == [
        (3000, False, {"invoice": "INV-9"}), (10000, True, {"invoice": "INV-9"})]
    assert all(d.url == NOWHERE + "/webhooks/stripe" for d in stripe_sandbox.events_sent()[start:])

    again = refund(client, payment_intent=intent["id"], amount="1")
    assert again.status_code == 400 and again.json["error"]["code"] == "charge_already_refunded"


def test_more_than_what_remains_is_refused_and_changes_nothing(client):
    intent = pay(client, 10000, "usd")
    refund(client, payment_intent=intent["id"], amount="6000")

    too_much = refund(client, payment_intent=intent["id"], amount="4001")
    assert too_much.status_code == 400
    assert (too_much.json["error"]["code"], too_much.json["error"]["param"]) == (
        "amount_too_large", "amount")
    for bad in ("0", "-5", "abc"):
        refused = refund(client, payment_intent=intent["id"], amount=bad)
        assert refused.status_code == 400 and refused.json["error"]["param"] == "amount"
    assert get(client, f"charges/{intent['latest_charge']}").json["amount_refunded"] == 6000
    rows = get(client, "balance_transactions", type="refund").json["data"]
    assert [row["amount"] for row in rows] == [-6000]


def test_refunds_of_unknown_or_other_accounts_payments_are_missing(client):
    intent = pay(client, 10000, "usd")
    assert missing(refund(client, FR, payment_intent=intent["id"]))
    assert missing(refund(client, payment_intent="pi_nothing"))
    assert missing(refund(client, charge="ch_nothing"))
    neither = refund(client)
    assert neither.status_code == 400 and neither.json["error"]["type"] == (
        "invalid_request_error")
    unknown = refund(client, payment_intent=intent["id"], colour="red")
    assert unknown.json["error"]["code"] == "parameter_unknown"
    unexpandable = refund(client, payment_intent=intent["id"], **{"expand[0]": "reason"})
    assert unexpandable.status_code == 400 and unexpandable.json["error"]["param"] == "expand"
    assert get(client, f"charges/{intent['latest_charge']}").json["amount_refunded"] == 0
    made = refund(client, payment_intent=intent["id"], amount="100").json
    assert missing(get(client, f"refunds/{made['id']}", FR))


def test_a_repeated_idempotency_key_replays_the_refund_without_refunding_twice(client):
    intent = pay(client, 10000, "usd")
    start = len(stripe_sandbox.events_sent())

    first = refund(client, key="refund-INV-1-1", payment_intent=intent["id"], amount="2500")
    replay = refund(client, key="refund-INV-1-1", payment_intent=intent["id"], amount="2500")
    other = refund(client, key="refund-INV-1-1", payment_intent=intent["id"], amount="2600")

    assert replay.json == first.json and replay.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 400 and other.json["error"]["type"] == "idempotency_error"
    assert get(client, f"charges/{intent['latest_charge']}").json["amount_refunded"] == 2500
    assert len(events_since(start)) == 3  # the replay sends nothing


def test_a_dashboard_refund_sends_its_events_and_counts_against_the_charge(client):
    intent = pay(client, 10000, "usd", invoice="INV-3")
    start = len(stripe_sandbox.events_sent())

    made = stripe_sandbox.refund(intent["id"], 4000)
    rest = stripe_sandbox.refund(intent["id"])

    assert (made["amount"], rest["amount"]) == (4000, 6000)
    sent = events_since(start)
    assert [e["data"]["object"]["id"] for e in sent if e["type"] == "refund.created"] == [
        made["id"], rest["id"]]
    with pytest.raises(ValueError, match="charge_already_refunded"):
        stripe_sandbox.refund(intent["id"], 1)
    with pytest.raises(LookupError):
        stripe_sandbox.refund("pi_nothing")
    too_much = refund(client, payment_intent=intent["id"], amount="1")
    assert too_much.json["error"]["code"] == "charge_already_refunded"


def test_refund_events_twice_and_reordered_keep_their_ids(client):
    intent = pay(client, 10000, "usd")
    stripe_sandbox.set_delivery(stripe_sandbox.DeliveryScenario(seed=5, reorder=True,
                                                                duplicate=1.0))
    start = len(stripe_sandbox.events_sent())

    stripe_sandbox.refund(intent["id"], 1000)

    sent = events_since(start)
    assert len(sent) == 6 and len({e["id"] for e in sent}) == 3
    assert sorted({e["type"] for e in sent}) == ["charge.refunded", "refund.created",
                                                 "refund.updated"]


def test_refunds_through_stripe_python(sandbox_url, monkeypatch):
    monkeypatch.setitem(SANDBOX_APPS[-1].config, "REMIT_ADDON_URL", NOWHERE)
    intent = pay(sandbox.create_app().test_client(), 10000, "usd")
    client = stripe.StripeClient(KEY, base_addresses={"api": f"{sandbox_url}/stripe/api"},
                                 max_network_retries=0)
    options = {"stripe_account": US, "idempotency_key": "remit-refund-1"}

    asked = {"payment_intent": intent["id"], "amount": 2500, "expand": ["balance_transaction"]}
    made = client.v1.refunds.create(asked, options)
    again = client.v1.refunds.create(asked, options)

    assert isinstance(made, stripe.Refund) and again.id == made.id and made.amount == 2500
    assert made.balance_transaction.amount == again.balance_transaction.amount == -2500
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.refunds.create({"payment_intent": intent["id"], "amount": 9000},
                                 {"stripe_account": US})
    assert refused.value.code == "amount_too_large"
    found = client.v1.refunds.retrieve(made.id, {"expand": ["balance_transaction"]},
                                       {"stripe_account": US})
    assert found.balance_transaction.amount == -2500
    deadline = time.monotonic() + 5  # the server sends the events once its answer is sent
    while time.monotonic() < deadline and len(stripe_sandbox.events_sent()) < 3 + 3:
        time.sleep(0.02)
    created = [d.event for d in stripe_sandbox.events_sent() if d.event["type"] == "refund.created"]
    assert [e["data"]["object"]["id"] for e in created] == [made.id]  # once, not on the replay
