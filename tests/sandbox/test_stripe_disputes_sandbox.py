"""Disputes in the Stripe stand-in: opened on a payment's whole charge, funds and the dispute fee
withdrawn (an `adjustment` with reporting_category `dispute`), then won (funds and fee
reinstated at the rate of that time) or lost; the Dispute lists its balance transactions
expanded; a disputed charge cannot be refunded; events may come twice and out of order."""

from __future__ import annotations

from decimal import Decimal

import pytest

import sandbox.stripe as stripe_sandbox
from tests.sandbox.stripe_money import FR, US, events_since, get, missing, pay


@pytest.fixture(autouse=True)
def connected(fresh_sandbox):
    stripe_sandbox.connect(US)
    stripe_sandbox.connect(FR)


def test_a_dispute_withdraws_the_amount_and_the_fee(client):
    intent = pay(client, 10000, "usd", invoice="INV-4")
    start = len(stripe_sandbox.events_sent())

    dispute = stripe_sandbox.open_dispute(intent["id"])

    sent = events_since(start)
    assert [e["type"] for e in sent] == ["charge.dispute.created",
                                         "charge.dispute.funds_withdrawn"]
    assert sent[0]["data"]["object"]["balance_transactions"] == []
    [withdrawn] = sent[1]["data"]["object"]["balance_transactions"]
    assert (withdrawn["type"], withdrawn["reporting_category"], withdrawn["amount"],
            withdrawn["fee"], withdrawn["net"], withdrawn["currency"], withdrawn["source"]) == (
        "adjustment", "dispute", -10000, 1500, -11500, "usd", dispute["id"])
    assert withdrawn["fee_details"][0]["type"] == "stripe_fee"
    assert (dispute["amount"], dispute["currency"], dispute["charge"], dispute["payment_intent"],
            dispute["status"]) == (10000, "usd", intent["latest_charge"], intent["id"],
                                   "needs_response")
    shown = get(client, f"disputes/{dispute['id']}").json
    assert shown["balance_transactions"] == [withdrawn]
    through_entry = get(client, f"balance_transactions/{withdrawn['id']}",
                        **{"expand[]": "source"}).json
    assert through_entry["source"]["payment_intent"] == intent["id"]
    assert get(client, f"charges/{intent['latest_charge']}").json["disputed"] is True
    assert missing(get(client, f"disputes/{dispute['id']}", FR))


def test_a_won_dispute_reinstates_the_funds_and_the_fee(client):
    intent = pay(client, 10000, "usd")
    dispute = stripe_sandbox.open_dispute(intent["id"])
    start = len(stripe_sandbox.events_sent())

    closed = stripe_sandbox.close_dispute(dispute["id"], won=True)

    sent = events_since(start)
    assert [e["type"] for e in sent] == ["charge.dispute.funds_reinstated",
                                         "charge.dispute.closed"]
    assert [e["data"]["object"]["status"] for e in sent] == ["won", "won"]
    withdrawn, reinstated = closed["balance_transactions"]
    assert (reinstated["type"], reinstated["amount"], reinstated["fee"], reinstated["net"]) == (
        "adjustment", 10000, -1500, 11500)
    assert reinstated["reporting_category"] == "dispute_reversal"
    assert withdrawn["net"] + reinstated["net"] == 0
    assert get(client, f"disputes/{dispute['id']}").json["status"] == "won"
    with pytest.raises(ValueError):
        stripe_sandbox.close_dispute(dispute["id"], won=False)


def test_a_lost_dispute_only_closes(client):
    intent = pay(client, 10000, "usd")
    dispute = stripe_sandbox.open_dispute(intent["id"])
    start = len(stripe_sandbox.events_sent())

    closed = stripe_sandbox.close_dispute(dispute["id"], won=False)

    [event] = events_since(start)
    assert (event["type"], event["data"]["object"]["status"]) == ("charge.dispute.closed",
                                                                  "lost")
    assert len(closed["balance_transactions"]) == 1
    assert len(get(client, "balance_transactions", type="adjustment").json["data"]) == 1


def test_a_converted_dispute_uses_the_rate_of_each_step_and_the_settlement_fee(client):
    stripe_sandbox.set_rate("eur", "usd", "1.08")
    stripe_sandbox.set_rate("jpy", "eur", "0.0062")
    euros = pay(client, 10000, "eur")
    yen = pay(client, 20000, "jpy", account=FR)
    stripe_sandbox.set_rate("eur", "usd", "1.12")
    dispute = stripe_sandbox.open_dispute(euros["id"])
    stripe_sandbox.set_rate("eur", "usd", "1.05")

    closed = stripe_sandbox.close_dispute(dispute["id"], won=True)

    withdrawn, reinstated = closed["balance_transactions"]
    assert (withdrawn["amount"], withdrawn["currency"], reinstated["amount"]) == (
        -11200, "usd", 10500)
    assert [Decimal(str(e["exchange_rate"])) for e in (withdrawn, reinstated)] == [
        Decimal("1.12"), Decimal("1.05")]
    in_euros = stripe_sandbox.open_dispute(yen["id"])["balance_transactions"][0]
    assert (in_euros["amount"], in_euros["currency"], in_euros["fee"]) == (
        -12400, "eur", stripe_sandbox.DISPUTE_FEES["eur"])


def test_a_disputed_charge_cannot_be_refunded_nor_disputed_twice(client):
    intent = pay(client, 10000, "usd")
    stripe_sandbox.open_dispute(intent["id"])

    with pytest.raises(ValueError, match="charge_disputed"):
        stripe_sandbox.refund(intent["id"], 100)
    with pytest.raises(ValueError):
        stripe_sandbox.open_dispute(intent["id"])
    with pytest.raises(LookupError):
        stripe_sandbox.open_dispute("pi_nothing")
    with pytest.raises(LookupError):
        stripe_sandbox.close_dispute("dp_nothing", won=True)


def test_dispute_events_twice_and_reordered_keep_their_ids(client):
    intent = pay(client, 10000, "usd")
    stripe_sandbox.set_delivery(stripe_sandbox.DeliveryScenario(seed=11, reorder=True,
                                                                duplicate=1.0))
    start = len(stripe_sandbox.events_sent())

    dispute = stripe_sandbox.open_dispute(intent["id"])
    stripe_sandbox.close_dispute(dispute["id"], won=True)

    sent = events_since(start)
    assert len(sent) == 8 and len({e["id"] for e in sent}) == 4
    reinstated = next(e for e in sent if e["type"] == "charge.dispute.funds_reinstated")
    assert len(reinstated["data"]["object"]["balance_transactions"]) == 2
