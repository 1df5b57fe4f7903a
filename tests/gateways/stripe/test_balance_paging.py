"""StripeGateway's balance reads on a loopback server, for what the stand-in's recordings do not
show: a payout's contents over several pages (each next page asked after the last entry read),
a settlement not made yet (None), ids refused before any request, and answers that cannot be
read (GatewayUnavailable, never a wrong entry)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from gateways.base import ENTRY_PAYMENT, ENTRY_PAYOUT, GatewayUnavailable
from gateways.stripe import StripeGateway
from tests.gateways.stripe.loopback import Canned, Loopback

ACCOUNT = "acct_1Abc"


def gateway_on(url: str) -> StripeGateway:
    return StripeGateway("ca_P", "sk_test_platform", api_base=url, timeout=5.0)


def transaction(number: int, **fields) -> dict:
    return {"id": f"txn_{number:04d}", "object": "balance_transaction", "amount": 1000,
            "available_on": 1764576000, "created": 1764400000, "currency": "usd",
            "exchange_rate": None, "fee": 59, "net": 941, "reporting_category": "charge",
            "source": {"id": f"ch_{number:04d}", "object": "charge",
                       "payment_intent": f"pi_{number:04d}"},
            "status": "available", "type": "charge", **fields}


def page(rows: list[dict], has_more: bool) -> Canned:
    return Canned(200, json.dumps({"object": "list", "data": rows, "has_more": has_more,
                                   "url": "/v1/balance_transactions"}))


def test_every_page_of_a_payouts_contents_is_read():
    first = [transaction(n) for n in range(100)]
    own = transaction(100, amount=-100 * 941, fee=0, net=-100 * 941, type="payout",
                      reporting_category="payout", source="po_1")
    with Loopback([page(first, True), page([own], False)]) as server:
        entries = gateway_on(server.url).payout_entries(ACCOUNT, "po_1")

    assert len(entries) == 101 and sum(entry.net_minor for entry in entries) == 0
    assert entries[0].payment_id == "pi_0000" and entries[0].category == ENTRY_PAYMENT
    assert entries[-1].category == ENTRY_PAYOUT
    assert all(entry.payout_id == "po_1" for entry in entries)
    asked = [parse_qs(urlsplit(seen.path).query) for seen in server.seen]
    assert asked == [
        {"payout": ["po_1"], "limit": ["100"], "expand[0]": ["data.source"]},
        {"payout": ["po_1"], "limit": ["100"], "expand[0]": ["data.source"],
         "starting_after": ["txn_0099"]}]
    assert all(seen.headers["Stripe-Account"] == ACCOUNT for seen in server.seen)


def test_more_promised_but_none_sent_is_unavailable_not_a_loop():
    with Loopback(page([], True)) as server, pytest.raises(GatewayUnavailable):
        gateway_on(server.url).payout_entries(ACCOUNT, "po_1")
    assert len(server.seen) == 1


@pytest.mark.parametrize("latest_charge", [
    None,  # no charge yet
    {"id": "ch_1", "object": "charge", "balance_transaction": None},  # async capture
])
def test_a_settlement_not_made_yet_is_none(latest_charge):
    intent = {"id": "pi_1", "object": "payment_intent", "status": "succeeded",
              "latest_charge": latest_charge}
    with Loopback(Canned(200, json.dumps(intent))) as server:
        assert gateway_on(server.url).payment_settlement(ACCOUNT, "pi_1") is None
    (seen,) = server.seen
    assert parse_qs(urlsplit(seen.path).query) == {
        "expand[0]": ["latest_charge.balance_transaction"]}


def test_a_settlement_names_its_payment_even_when_stripe_sends_only_the_charge_id():
    intent = {"id": "pi_1", "object": "payment_intent", "latest_charge": {
        "id": "ch_1", "object": "charge", "balance_transaction": transaction(1, source="ch_1")}}
    with Loopback(Canned(200, json.dumps(intent))) as server:
        found = gateway_on(server.url).payment_settlement(ACCOUNT, "pi_1")
    assert (found.id, found.source_id, found.payment_id) == ("txn_0001", "ch_1", "pi_1")


@pytest.mark.parametrize(("read", "answer"), [
    (lambda g: g.balance_entry(ACCOUNT, "txn_1"), transaction(1, net=1)),
    (lambda g: g.payout(ACCOUNT, "po_1"), {"id": "po_1", "object": "payout", "amount": 5}),
    (lambda g: g.balances(ACCOUNT), {"object": "balance", "available": [{"amount": 1}]}),
    (lambda g: g.payout_entries(ACCOUNT, "po_1"), {"object": "list", "data": None}),
])
def test_an_unreadable_answer_is_unavailable(read, answer):
    with Loopback(Canned(200, json.dumps(answer))) as server, \
            pytest.raises(GatewayUnavailable):
        read(gateway_on(server.url))
    assert len(server.seen) == 1


@pytest.mark.parametrize("read", [
    lambda g: g.balance_entry(ACCOUNT, "ch_1"),
    lambda g: g.balance_entry(ACCOUNT, "txn_1/../../v1/payouts"),
    lambda g: g.payment_settlement(ACCOUNT, "ch_1"),  # Remit's payments are PaymentIntents
    lambda g: g.payout(ACCOUNT, "txn_1"),
    lambda g: g.payout_entries(ACCOUNT, ""),
    lambda g: g.balances("acct_1Abc/../x"),
])
def test_ids_are_refused_before_any_request(read):
    with Loopback(Canned(200, "{}")) as server, pytest.raises(ValueError):
        read(gateway_on(server.url))
    assert server.seen == []
