"""The Stripe stand-in's money after the payment, through its wire API and signed events: a
balance transaction with a fee per charge (USD, EUR, zero-decimal JPY, three-decimal KWD),
automatic payouts whose balance transactions sum to nothing, listing by payout page by page,
and deterministic reordered, duplicated and delayed delivery."""

from __future__ import annotations

import pytest

import sandbox.stripe as stripe_sandbox
from sandbox import stripe_balance, stripe_payments
from tests.gateways.stripe import shapes
from tests.sandbox import stripe_money
from tests.sandbox.stripe_money import DAY, FR, US, get, open_and_pay, verified

later = stripe_money.later  # the fixture


@pytest.fixture(autouse=True)
def connected(fresh_sandbox):
    stripe_sandbox.connect(US)
    stripe_sandbox.connect(FR)


def paid(client, amount: int, currency: str, account: str = US) -> list[dict]:
    """Open a session through the API, pay it; the events of the payment."""
    open_and_pay(client, amount, currency, account)
    return [verified(sent) for sent in stripe_sandbox.last_events()]


def charge_of(events: list[dict]) -> dict:
    return next(e for e in events if e["type"] == "charge.succeeded")["data"]["object"]


def settled_transaction(client, events: list[dict], account: str = US) -> dict:
    """The charge's balance transaction, found through the charge.updated event."""
    updated = next(e for e in events if e["type"] == "charge.updated")["data"]["object"]
    return get(client, f"balance_transactions/{updated['balance_transaction']}", account).json


@pytest.mark.parametrize("amount, currency, account, fee, net", [
    (12050, "usd", US, 379, 11671),  # 2.9 % = 349.45 -> 349, + 30 cents
    (500, "usd", US, 45, 455),  # 2.9 % = 14.5 -> 15 (half up, not to even), + 30 cents
    (12050, "eur", FR, 206, 11844),  # 1.5 % = 180.75 -> 181, + 25 cents
    (12345, "jpy", US, 444, 11901),  # zero-decimal: 3.6 % = 444.42 yen -> 444 yen
    (12340, "kwd", US, 458, 11882),  # three-decimal: 2.9 % = 357.86 fils -> 358, + 100 fils
])
def test_each_charge_has_a_balance_transaction_with_its_fee(client, amount, currency, account,
                                                            fee, net):
    stripe_sandbox.settle_in(US, "jpy", "kwd")  # no conversion: sandbox/stripe_fx.py's tests
    stripe_balance.set_scenario("updated")
    events = paid(client, amount, currency, account)

    found = settled_transaction(client, events, account)
    charge = charge_of(events)
    assert (found["amount"], found["fee"], found["net"], found["currency"]) == (
        amount, fee, net, currency)
    assert found["fee_details"] == [{"amount": fee, "application": None, "currency": currency,
                                     "description": "Stripe processing fees",
                                     "type": "stripe_fee"}]
    assert (found["source"], found["type"], found["reporting_category"], found["status"],
            found["exchange_rate"]) == (charge["id"], "charge", "charge", "pending", None)
    assert found["available_on"] > found["created"]


def test_async_capture_brings_the_balance_transaction_on_charge_updated(client):
    stripe_balance.set_scenario("updated")
    events = paid(client, 12050, "usd")

    assert [e["type"] for e in events] == ["charge.succeeded", "payment_intent.succeeded",
                                           "checkout.session.completed", "charge.updated"]
    assert charge_of(events)["balance_transaction"] is None
    assert events[-1]["data"]["object"]["balance_transaction"].startswith("txn_")


def test_sync_capture_has_it_on_charge_succeeded_and_the_default_never_shows_it(client):
    stripe_balance.set_scenario("succeeded")
    synchronous = paid(client, 12050, "usd")
    assert charge_of(synchronous)["balance_transaction"].startswith("txn_")
    assert "charge.updated" not in [e["type"] for e in synchronous]

    stripe_balance.reset()  # the default: as the stand-in always did
    legacy = paid(client, 12050, "usd")
    assert [e["type"] for e in legacy] == ["charge.succeeded", "payment_intent.succeeded",
                                           "checkout.session.completed"]
    assert charge_of(legacy)["balance_transaction"] is None


def test_a_balance_transaction_is_only_its_accounts(client):
    stripe_balance.set_scenario("updated")
    txn = settled_transaction(client, paid(client, 12050, "usd"))

    refused = get(client, f"balance_transactions/{txn['id']}", FR)
    assert refused.status_code == 404
    assert (refused.json["error"]["type"], refused.json["error"]["code"]) == (
        "invalid_request_error", "resource_missing")


def pay_out_and_settle(account: str = US, outcome: str = "paid") -> list[dict]:
    made = stripe_sandbox.pay_out(account)
    created = [verified(sent) for sent in stripe_sandbox.last_events()]
    assert [e["type"] for e in created] == ["payout.created"] * len(made)
    for each in made:
        stripe_sandbox.settle_payout(each["id"], outcome)
    return made


def test_a_payout_takes_only_available_funds_per_currency_and_sums_to_its_amount(client, later):
    stripe_sandbox.settle_in(US, "jpy", "kwd")
    for amount, currency in ((12050, "usd"), (999, "usd"), (12345, "jpy"), (12340, "kwd")):
        paid(client, amount, currency)
    assert stripe_sandbox.pay_out(US) == []  # still pending: nothing to pay out
    later(2 * DAY)
    paid(client, 7000, "usd")  # pending when the payout is made

    payouts = {each["currency"]: each for each in pay_out_and_settle()}

    assert sorted(payouts) == ["jpy", "kwd", "usd"]
    assert payouts["usd"]["amount"] == (12050 - 379) + (999 - 59)
    assert payouts["jpy"]["amount"] == 12345 - 444
    for payout in payouts.values():
        rows = get(client, "balance_transactions", payout=payout["id"], limit=100).json["data"]
        assert sum(row["net"] for row in rows) == 0  # charges' nets less the payout itself
        own = next(row for row in rows if row["type"] == "payout")
        assert (own["id"], own["amount"], own["source"]) == (
            payout["balance_transaction"], -payout["amount"], payout["id"])
        assert sum(row["net"] for row in rows if row["type"] == "charge") == payout["amount"]
        assert {row["currency"] for row in rows} == {payout["currency"]}
        assert shapes.problems(get(client, f"payouts/{payout['id']}").json) == []
    later(2 * DAY)
    again = pay_out_and_settle()
    assert [(each["currency"], each["amount"]) for each in again] == [("usd", 7000 - 233)]


def test_payout_events_and_statuses(client, later):
    paid(client, 12050, "usd")
    later(2 * DAY)
    [made] = stripe_sandbox.pay_out(US)
    assert (made["status"], made["reconciliation_status"], made["automatic"]) == (
        "in_transit", "in_progress", True)
    early = get(client, "balance_transactions", payout=made["id"])
    assert early.status_code == 400 and early.json["error"]["param"] == "payout"

    stripe_sandbox.settle_payout(made["id"], "paid")

    events = [verified(sent) for sent in stripe_sandbox.last_events()]
    assert [e["type"] for e in events] == ["payout.paid", "payout.reconciliation_completed"]
    assert all(e["account"] == US for e in events)
    shown = get(client, f"payouts/{made['id']}").json
    assert (shown["status"], shown["reconciliation_status"]) == ("paid", "completed")
    with pytest.raises(ValueError):
        stripe_sandbox.settle_payout(made["id"], "canceled")  # no longer in transit
    with pytest.raises(ValueError):
        stripe_sandbox.settle_payout(made["id"], "paid")


@pytest.mark.parametrize("outcome", ["failed", "canceled"])
def test_a_failed_or_canceled_payout_gives_the_funds_back(client, later, outcome):
    paid(client, 12050, "usd")
    later(2 * DAY)
    [made] = stripe_sandbox.pay_out(US)

    stripe_sandbox.settle_payout(made["id"], outcome)

    [event] = [verified(sent) for sent in stripe_sandbox.last_events()]
    assert event["type"] == f"payout.{outcome}"
    back_id = event["data"]["object"]["failure_balance_transaction"]
    back = get(client, f"balance_transactions/{back_id}").json
    assert (back["amount"], back["source"]) == (made["amount"], made["id"])


def test_listing_by_payout_pages_with_has_more_and_starting_after(client, later):
    for amount in range(1000, 1025):
        paid(client, amount, "usd")
    later(2 * DAY)
    [made] = pay_out_and_settle()

    seen, after = [], None
    while True:
        query = {"payout": made["id"], "limit": 10}
        if after:
            query["starting_after"] = after
        page = get(client, "balance_transactions", **query).json
        assert (page["object"], page["url"]) == ("list", "/v1/balance_transactions")
        seen.extend(page["data"])
        if not page["has_more"]:
            break
        after = page["data"][-1]["id"]
    assert len(seen) == 26 and len({row["id"] for row in seen}) == 26  # 25 charges + payout
    assert [len(p) for p in (seen[:10], seen[10:20], seen[20:])] == [10, 10, 6]
    charges = get(client, "balance_transactions", payout=made["id"], type="charge", limit=100)
    assert len(charges.json["data"]) == 25
    for bad in ({"limit": 0}, {"limit": 101}, {"limit": "x"}):
        refused = get(client, "balance_transactions", **bad)
        assert refused.status_code == 400 and refused.json["error"]["param"] == "limit"


def delivered_types(seed: int) -> list[str]:
    stripe_sandbox.reset()
    stripe_sandbox.connect(US)
    stripe_sandbox.set_balance_scenario("updated")
    stripe_sandbox.set_delivery(stripe_sandbox.DeliveryScenario(
        seed=seed, reorder=True, duplicate=0.5, delay=0.2))
    client = stripe_sandbox_client()
    for _ in range(4):
        paid(client, 12050, "usd")
    held = [verified(sent) for sent in stripe_sandbox.release_delayed()]
    sent = [d.event for d in stripe_sandbox.events_sent()]
    return [f"{e['type']}@{sent.index(e)}" for e in sent] + [f"late:{e['type']}" for e in held]


def stripe_sandbox_client():
    import sandbox
    return sandbox.create_app().test_client()


def test_reordered_duplicated_and_delayed_delivery_is_deterministic_per_seed():
    first = delivered_types(7)
    assert len({sent.event["id"] for sent in stripe_sandbox.events_sent()}) == 16  # none lost
    again, other = delivered_types(7), delivered_types(8)

    assert first == again
    assert first != other
    types = [each.split("@")[0] for each in first if "@" in each]
    assert len(types) > 16 or any(each.startswith("late:") for each in first)
    in_order = ["charge.succeeded", "payment_intent.succeeded", "checkout.session.completed",
                "charge.updated"] * 4
    assert types != in_order


def test_every_event_is_still_delivered_and_resend_ignores_the_scenario(client):
    stripe_sandbox.set_balance_scenario("updated")
    stripe_sandbox.set_delivery(stripe_sandbox.DeliveryScenario(seed=3, reorder=True,
                                                                duplicate=1.0))
    events = paid(client, 12050, "usd")
    assert len(events) == 8 and len({e["id"] for e in events}) == 4  # each exactly twice
    resent = stripe_sandbox.resend(events[0]["id"], "http://127.0.0.1:9")
    assert resent.event["id"] == events[0]["id"] and len(stripe_sandbox.last_events()) == 1


def test_console_pays_out_and_settles(client):
    paid(client, 12050, "usd")

    done = client.post(f"/stripe/controls/payout/{US}")
    assert done.status_code == 303
    [made] = stripe_balance.payouts()
    assert made["amount"] == 12050 - 379
    page = client.get("/stripe/").get_data(as_text=True)
    assert made["id"] in page and "Mark paid" in page
    assert client.post(f"/stripe/controls/payouts/{made['id']}/paid").status_code == 303
    assert stripe_balance.payouts()[0]["status"] == "paid"
    assert client.post(f"/stripe/controls/payout/{US}").status_code == 303
    assert len(stripe_balance.payouts()) == 1  # nothing left to pay out


def test_reset_forgets_balance_and_payouts(client):
    paid(client, 12050, "usd")
    stripe_sandbox.pay_out(US, fast_forward=True)
    stripe_sandbox.reset()
    assert stripe_balance.payouts() == [] and stripe_balance.transactions(US) == []
    assert stripe_balance.balance_transaction_on() == "none"
    assert stripe_payments.charge("ch_none") is None
