"""What a payout of the Stripe stand-in holds after refunds and disputes: charges, refunds and
dispute adjustments of its currency, its own transaction, summing to zero; a payout that fails
(even after it was paid) gives its amount back with a `payout_failure` transaction the next
payout takes; all of it through the delivery scenarios and forgotten by reset()."""

from __future__ import annotations

import pytest

import sandbox.stripe as stripe_sandbox
from sandbox import stripe_balance
from tests.sandbox import stripe_money
from tests.sandbox.stripe_money import DAY, FR, US, events_since, get, pay

later = stripe_money.later  # the fixture


@pytest.fixture(autouse=True)
def connected(fresh_sandbox):
    stripe_sandbox.connect(US)
    stripe_sandbox.connect(FR)


def contents(client, payout_id: str) -> list[dict]:
    return get(client, "balance_transactions", payout=payout_id, limit=100,
               **{"expand[]": "data.source"}).json["data"]


def test_a_payout_holds_charges_refunds_and_dispute_steps_and_sums_to_zero(client, later):
    stripe_sandbox.set_rate("eur", "usd", "1.08")
    kept = pay(client, 10000, "usd")
    refunded = pay(client, 5000, "usd")
    disputed = pay(client, 8000, "eur")  # converted: 8640 usd
    stripe_sandbox.refund(refunded["id"], 2000)
    dispute = stripe_sandbox.open_dispute(disputed["id"])
    later(2 * DAY)

    [made] = stripe_sandbox.pay_out(US)
    stripe_sandbox.settle_payout(made["id"], "paid")

    rows = contents(client, made["id"])
    assert sum(row["net"] for row in rows) == 0
    by_type = sorted((row["type"], row["net"]) for row in rows)
    assert by_type == sorted([
        ("charge", 10000 - 320), ("charge", 5000 - 175), ("charge", 8640 - 281),
        ("refund", -2000), ("adjustment", -8640 - 1500), ("payout", -made["amount"])])
    owners = {row["source"]["object"]: row["source"].get("payment_intent") for row in rows}
    assert owners["refund"] == refunded["id"] and owners["dispute"] == disputed["id"]
    assert {row["currency"] for row in rows} == {"usd"}
    assert kept["id"] in {row["source"].get("payment_intent") for row in rows}

    stripe_sandbox.close_dispute(dispute["id"], won=True)  # after the payout: the next one
    [next_one] = stripe_sandbox.pay_out(US)
    assert next_one["amount"] == 8640 + 1500


def test_a_currency_whose_refunds_exceed_its_charges_waits(client, later):
    intent = pay(client, 10000, "usd")
    later(2 * DAY)
    stripe_sandbox.pay_out(US)
    stripe_sandbox.refund(intent["id"], 4000)  # after the payout: nothing else available

    assert stripe_sandbox.pay_out(US) == []
    balance = get(client, "balance").json
    assert balance["available"][0]["amount"] == -4000


@pytest.mark.parametrize("first", ["in_transit", "paid"])
def test_a_failed_payout_returns_its_money_and_the_next_payout_takes_it(client, later, first):
    pay(client, 10000, "usd")
    later(2 * DAY)
    [made] = stripe_sandbox.pay_out(US)
    if first == "paid":
        stripe_sandbox.settle_payout(made["id"], "paid")
    start = len(stripe_sandbox.events_sent())

    failed = stripe_sandbox.settle_payout(made["id"], "failed")

    [event] = events_since(start)
    assert (event["type"], failed["status"]) == ("payout.failed", "failed")
    back = get(client, f"balance_transactions/{failed['failure_balance_transaction']}").json
    assert (back["type"], back["amount"], back["net"], back["source"],
            back["reporting_category"]) == ("payout_failure", made["amount"], made["amount"],
                                            made["id"], "payout_reversal")
    assert get(client, "balance").json["available"][0]["amount"] == made["amount"]
    [again] = stripe_sandbox.pay_out(US)
    assert again["amount"] == made["amount"]
    stripe_sandbox.settle_payout(again["id"], "paid")
    rows = contents(client, again["id"])
    assert sorted(row["type"] for row in rows) == ["payout", "payout_failure"]
    assert sum(row["net"] for row in rows) == 0
    with pytest.raises(ValueError):
        stripe_sandbox.settle_payout(made["id"], "failed")


def test_everything_after_the_payment_through_a_misbehaving_delivery(client, later):
    stripe_sandbox.set_delivery(stripe_sandbox.DeliveryScenario(seed=21, reorder=True,
                                                                duplicate=0.5, delay=0.3))
    intents = [pay(client, 10000 + n, "usd") for n in range(3)]
    stripe_sandbox.refund(intents[0]["id"], 500)
    dispute = stripe_sandbox.open_dispute(intents[1]["id"])
    stripe_sandbox.close_dispute(dispute["id"], won=False)
    later(2 * DAY)
    [made] = stripe_sandbox.pay_out(US)
    stripe_sandbox.settle_payout(made["id"], "paid")
    stripe_sandbox.release_delayed()

    sent = events_since(0)
    expected = {"charge.succeeded": 3, "payment_intent.succeeded": 3,
                "checkout.session.completed": 3, "refund.created": 1, "charge.refunded": 1,
                "refund.updated": 1, "charge.dispute.created": 1,
                "charge.dispute.funds_withdrawn": 1, "charge.dispute.closed": 1,
                "payout.created": 1, "payout.paid": 1, "payout.reconciliation_completed": 1}
    distinct = {e["id"]: e["type"] for e in sent}
    assert sorted(distinct.values()) == sorted(t for t, n in expected.items() for _ in range(n))
    assert len(sent) > len(distinct)  # some came twice
    assert sum(row["net"] for row in contents(client, made["id"])) == 0


def test_reset_forgets_refunds_disputes_rates_and_settlement_currencies(client):
    stripe_sandbox.settle_in(US, "eur")
    stripe_sandbox.set_rate("gbp", "usd", "2")
    intent = pay(client, 10000, "usd")
    made = stripe_sandbox.refund(intent["id"], 100)
    dispute = stripe_sandbox.open_dispute(pay(client, 5000, "usd")["id"])

    stripe_sandbox.reset()
    stripe_sandbox.connect(US)

    assert get(client, f"refunds/{made['id']}").status_code == 404
    assert get(client, f"disputes/{dispute['id']}").status_code == 404
    assert stripe_balance.transactions(US) == []
    entry = stripe_money.entry_of(client, pay(client, 10000, "eur"))
    assert entry["currency"] == "usd"


def test_console_refunds_disputes_and_closes(fresh_sandbox):
    import sandbox

    client = sandbox.create_app({"REMIT_ADDON_URL": "http://127.0.0.1:9"}).test_client()
    stripe_sandbox.connect(US)
    intent = pay(client, 10000, "usd")
    paid_again = pay(client, 5000, "usd")

    assert client.post(f"/stripe/controls/refund/{intent['id']}").status_code == 303
    assert get(client, f"charges/{intent['latest_charge']}").json["refunded"] is True
    assert client.post(f"/stripe/controls/dispute/{paid_again['id']}").status_code == 303
    page = client.get("/stripe/").get_data(as_text=True)
    [dispute] = [e["data"]["object"] for e in events_since(0)
                 if e["type"] == "charge.dispute.created"]
    assert dispute["id"] in page and "Mark won" in page
    assert client.post(f"/stripe/controls/disputes/{dispute['id']}/lost").status_code == 303
    assert get(client, f"disputes/{dispute['id']}").json["status"] == "lost"
    refused = client.post(f"/stripe/controls/refund/{intent['id']}")
    assert "charge_already_refunded" in refused.headers["Location"].replace("%5F", "_")
