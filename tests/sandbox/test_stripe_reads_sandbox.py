"""The stand-in's reads after the payment, as the add-on's Stripe reader makes them: the
Balance, a PaymentIntent with its charge's balance transaction expanded, a charge, a balance
transaction (and the list) with its source expanded; another account's objects and unknown ids
missing; only expandable fields expanded."""

from __future__ import annotations

import pytest
import stripe

import sandbox.stripe as stripe_sandbox
from tests.sandbox import stripe_money
from tests.sandbox.stripe_money import DAY, FR, KEY, US, get, headers, missing, pay

later = stripe_money.later  # the fixture


@pytest.fixture(autouse=True)
def connected(fresh_sandbox):
    stripe_sandbox.connect(US)
    stripe_sandbox.connect(FR)


def test_payment_intent_expands_its_latest_charge_and_its_balance_transaction(client):
    intent = pay(client, 12050, "usd", invoice="INV-7")

    shown = get(client, f"payment_intents/{intent['id']}",
                **{"expand[]": "latest_charge.balance_transaction"}).json
    charge = shown["latest_charge"]
    entry = charge["balance_transaction"]
    assert (charge["object"], charge["payment_intent"], charge["metadata"]) == (
        "charge", intent["id"], {"invoice": "INV-7"})
    assert (entry["object"], entry["source"], entry["amount"], entry["fee"], entry["net"]) == (
        "balance_transaction", charge["id"], 12050, 379, 11671)

    only_charge = get(client, f"payment_intents/{intent['id']}",
                      **{"expand[0]": "latest_charge"}).json
    assert only_charge["latest_charge"]["balance_transaction"] == entry["id"]
    plain = get(client, f"payment_intents/{intent['id']}").json
    assert plain["latest_charge"] == charge["id"]
    assert get(client, f"charges/{charge['id']}").json["balance_transaction"] == entry["id"]
    expanded = get(client, f"charges/{charge['id']}", **{"expand[]": "balance_transaction"})
    assert expanded.json["balance_transaction"] == entry


def test_a_balance_transaction_names_the_payment_through_its_expanded_source(client):
    intent = pay(client, 5000, "usd")
    charge_id = intent["latest_charge"]
    entry_id = get(client, f"charges/{charge_id}").json["balance_transaction"]

    one = get(client, f"balance_transactions/{entry_id}", **{"expand[]": "source"}).json
    assert (one["source"]["id"], one["source"]["payment_intent"]) == (charge_id, intent["id"])
    listed = get(client, "balance_transactions", **{"expand[]": "data.source"}).json
    assert [row["source"]["payment_intent"] for row in listed["data"]] == [intent["id"]]
    assert get(client, "balance_transactions").json["data"][0]["source"] == charge_id


def test_unknown_ids_other_accounts_objects_and_unexpandable_fields_are_refused(client):
    intent = pay(client, 5000, "usd")
    charge_id = intent["latest_charge"]

    for path in (f"payment_intents/{intent['id']}", f"charges/{charge_id}"):
        assert missing(get(client, path, FR))
    for path in ("payment_intents/pi_nothing", "charges/ch_nothing", "refunds/re_nothing",
                 "disputes/dp_nothing", f"charges/{intent['id']}"):
        assert missing(get(client, path))
    refused = get(client, f"charges/{charge_id}", **{"expand[]": "outcome"})
    assert refused.status_code == 400 and refused.json["error"]["type"] == (
        "invalid_request_error")
    assert get(client, "balance_transactions", **{"expand[]": "data"}).status_code == 400


def test_balance_shows_pending_then_available_per_currency_then_paid_out(client, later):
    empty = get(client, "balance", FR).json
    assert [(row["currency"], row["amount"]) for row in empty["available"]] == [("eur", 0)]
    stripe_sandbox.settle_in(US, "jpy")
    pay(client, 12050, "usd")
    pay(client, 12345, "jpy")

    pending = get(client, "balance").json
    assert pending["object"] == "balance" and pending["livemode"] is False
    assert [(row["currency"], row["amount"]) for row in pending["pending"]] == [
        ("usd", 11671), ("jpy", 11901)]  # the default currency first
    assert [row["amount"] for row in pending["available"]] == [0, 0]
    later(2 * DAY)
    available = get(client, "balance").json
    assert [row["amount"] for row in available["available"]] == [11671, 11901]
    assert available["available"][0]["source_types"] == {"card": 11671}
    stripe_sandbox.pay_out(US)
    assert [row["amount"] for row in get(client, "balance").json["available"]] == [0, 0]
    assert [row["amount"] for row in get(client, "balance", FR).json["available"]] == [0]


def test_reads_through_stripe_python(sandbox_url):
    import sandbox

    app = sandbox.create_app()
    intent = pay(app.test_client(), 12050, "usd")
    client = stripe.StripeClient(KEY, base_addresses={"api": f"{sandbox_url}/stripe/api"},
                                 max_network_retries=0)
    options = {"stripe_account": US}

    found = client.v1.payment_intents.retrieve(
        intent["id"], {"expand": ["latest_charge.balance_transaction"]}, options)
    assert isinstance(found.latest_charge.balance_transaction, stripe.BalanceTransaction)
    assert found.latest_charge.balance_transaction.fee == 379
    listed = client.v1.balance_transactions.list({"expand": ["data.source"]}, options)
    assert isinstance(listed.data[0].source, stripe.Charge)
    balance = client.v1.balance.retrieve(options=options)
    assert balance.pending[0].amount == 11671
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.charges.retrieve(found.latest_charge.id, options={"stripe_account": FR})
    assert refused.value.code == "resource_missing" and refused.value.http_status == 404
    assert headers()  # the same key the test client uses
