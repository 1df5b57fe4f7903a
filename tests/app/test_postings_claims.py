"""Fees, refunds, disputes and payouts claimed once per (company, kind, Stripe object) and routed
without guessing, whatever order and however often Stripe's events arrive: the real database,
the real stand-in's events through Remit's webhook; the ledger's writes after the payment are
recorded at the connector boundary (tests/app/postings_flow.py)."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from sqlalchemy import select

import sandbox.stripe
from addon.extensions import db
from addon.jobs import sweep_pending_events
from addon.models import GatewayEvent, WorkStatus
from sandbox.stripe_events import signed
from tests.app.payment_flow import company_with_stripe
from tests.app.postings_flow import (
    deliver,
    one,
    paid,
    paid_out,
    postings,
    recording_ledger,
    refunded,
    set_roles,
)
from tests.app.test_routing import GB, US, _add_company, _gateway

INVOICE = "130"  # 250.00 USD
CHECKING, BANK_CHARGES = "35", "8"


@pytest.fixture
def ledger(monkeypatch):
    return recording_ledger(monkeypatch)


@pytest.fixture
def company(client):
    made = company_with_stripe(client)
    set_roles(client, made, settlement=CHECKING, fees=BANK_CHARGES)
    return made


def types(deliveries) -> list[str]:
    return [json.loads(d.payload)["type"] for d in deliveries]


def test_a_refund_arriving_before_its_payment_waits_then_is_recorded_once(client, company,
                                                                          ledger):
    intent, payment_events = paid(client, company, INVOICE, "100.00")
    refund_events = refunded(intent, 2500)
    deliver(client, refund_events)  # Stripe's order is no order: the refund first
    assert postings(company) == []  # never guessed onto a company
    waiting = db.session.scalars(select(GatewayEvent).where(
        GatewayEvent.event_type.in_(("refund.created", "refund.updated")))).all()
    assert waiting and {e.status for e in waiting} == {WorkStatus.PENDING}
    assert all(intent in e.last_error for e in waiting)

    deliver(client, payment_events)  # the payment: recorded, and the refund follows
    deliver(client, refund_events + payment_events)  # and everything again
    refund = one(company, "refund")
    assert refund.status is WorkStatus.DONE, refund.error
    assert one(company, "payment").status is WorkStatus.DONE
    (written,) = ledger.of("RefundReceipt")
    assert (written.amount, written.currency, written.invoice_id) == (Decimal("25.00"), "USD",
                                                                      INVOICE)
    assert written.from_account_id == "4" and written.exchange_rate is None
    assert written.idempotency_key == refund.idempotency_key
    assert refund.payload["entry"]["amount_minor"] == -2500  # its own entry, read once


def test_a_payout_before_its_last_fee_claims_the_fee_from_its_listing(client, company,
                                                                      ledger):
    sandbox.stripe.set_balance_scenario("updated")  # the fee shows on charge.updated only
    _first, first_events = paid(client, company, INVOICE, "100.00")
    _second, second_events = paid(client, company, INVOICE, "30.00")
    late = [d for d in second_events if json.loads(d.payload)["type"] == "charge.updated"]
    deliver(client, first_events + [d for d in second_events if d not in late])
    assert [p.source_id for p in postings(company, "fee")] == [
        json.loads(next(d for d in first_events if json.loads(d.payload)["type"]
                        == "charge.updated").payload)["data"]["object"]["balance_transaction"]]

    payout_id, payout_events = paid_out(_gateway(company).account_id)
    deliver(client, payout_events)
    payout = one(company, "payout")
    assert payout.status is WorkStatus.DONE, payout.error
    fees = postings(company, "fee")
    assert len(fees) == 2 and {f.status for f in fees} == {WorkStatus.DONE}
    kinds = [t for t, _p in ledger.writes]
    assert kinds == ["JournalEntry", "JournalEntry", "Deposit"]  # the fees before the payout
    (deposit,) = ledger.of("Deposit")
    assert deposit.amount == payout.amount and sum(i.amount for i in deposit.items) == \
        deposit.amount
    assert (deposit.bank_account_id, deposit.clearing_account_id) == (CHECKING, "4")
    assert deposit.reference == payout_id[-21:] and len(deposit.items) == 2  # QuickBooks' 21
    fee_total = sum(j.lines[0].amount for j in ledger.of("JournalEntry"))
    assert deposit.amount == Decimal("130.00") - fee_total  # clearing nets to zero

    deliver(client, late + payout_events)  # the late charge.updated, and the payout again
    assert len(postings(company, "fee")) == 2 and len(ledger.writes) == 3


def test_a_payout_waits_visibly_for_its_roles_and_items_without_spending_attempts(
        client, ledger):
    company = company_with_stripe(client)  # no settlement bank or fees account yet
    _intent, events = paid(client, company, INVOICE, "100.00")
    deliver(client, events)
    _payout_id, payout_events = paid_out(_gateway(company).account_id)
    deliver(client, payout_events)
    payout = one(company, "payout")
    assert payout.status is WorkStatus.PENDING and payout.attempts == 0
    assert payout.error == "Set the settlement bank for USD on the gateway."
    assert payout.payload["waiting"] == {"code": "role", "currency": "USD",
                                         "role": "settlement"}
    for _ in range(30):  # the sweep keeps trying, never gives up on a waiting posting
        sweep_pending_events.call_local()
    assert one(company, "payout").status is WorkStatus.PENDING and ledger.writes == []

    set_roles(client, company, settlement=CHECKING)  # the fees account is still missing
    client.post(f"/activity/postings/{payout.id}/retry")
    fee = one(company, "fee")
    assert fee.status is WorkStatus.PENDING and "fees account for USD" in fee.error
    assert "Waiting for 1 item" in one(company, "payout").error

    set_roles(client, company, fees=BANK_CHARGES)
    client.post(f"/activity/postings/{fee.id}/retry")  # the fee, then the payout it woke
    assert one(company, "fee").status is WorkStatus.DONE
    assert one(company, "payout").status is WorkStatus.DONE
    assert [t for t, _p in ledger.writes] == ["JournalEntry", "Deposit"]


def test_the_same_events_twice_and_concurrent_claims_make_one_posting_each(client, company,
                                                                           ledger):
    sandbox.stripe.set_balance_scenario("succeeded")
    intent, events = paid(client, company, INVOICE, "100.00")
    refund_events = refunded(intent, 1000)
    deliver(client, events + events + refund_events + refund_events)
    dispute = sandbox.stripe.open_dispute(intent)
    dispute_events = sandbox.stripe.last_events()
    deliver(client, dispute_events + dispute_events)
    sandbox.stripe.close_dispute(dispute["id"], won=False)
    deliver(client, sandbox.stripe.last_events() * 2)
    by_kind = {}
    for posting in postings(company):
        by_kind.setdefault(posting.kind, []).append(posting)
    assert {k: len(v) for k, v in by_kind.items()} == {
        "payment": 1, "fee": 1, "refund": 1, "dispute": 1, "dispute_closed": 1}
    assert {p.status for p in postings(company)} == {WorkStatus.DONE}
    closed = by_kind["dispute_closed"][0]
    assert closed.payload["status"] == "lost" and closed.ledger_object_id is None
    (withdrawn,) = [p for t, p in ledger.writes
                    if t == "JournalEntry" and "dispute" in p.memo]
    dispute_fee = Decimal(sandbox.stripe.DISPUTE_FEES["usd"]) / 100
    assert [(line.account_id, line.amount) for line in withdrawn.lines] == [
        (BANK_CHARGES, Decimal("100.00")), (BANK_CHARGES, dispute_fee),
        ("4", -(Decimal("100.00") + dispute_fee))]  # losses default to the fees account
    assert len(ledger.writes) == 3  # the fee, the refund, the withdrawal: each once


def test_two_companies_on_one_account_each_wait_for_the_other_s_items(client, ledger):
    us = _add_company(client, US, "USD")
    gb = _add_company(client, GB, "GBP")
    set_roles(client, us, settlement=CHECKING, fees=BANK_CHARGES)
    _intent, us_events = paid(client, us, INVOICE, "100.00")
    _intent, gb_events = paid(client, gb, INVOICE, "30.00")
    deliver(client, us_events + gb_events)
    payout_ids = []  # one payout per currency (USD, GBP: the account settles in both)
    made = sandbox.stripe.pay_out(_gateway(us).account_id, fast_forward=True)
    events = sandbox.stripe.last_events()
    for payout in made:
        sandbox.stripe.settle_payout(payout["id"], "paid")
        events += sandbox.stripe.last_events()
        payout_ids.append(payout["id"])
    deliver(client, events)
    us_payouts = {p.currency: p for p in postings(us, "payout")}
    gb_payouts = {p.currency: p for p in postings(gb, "payout")}
    assert set(us_payouts) == set(gb_payouts) == {"USD", "GBP"}  # claimed for each company
    assert us_payouts["USD"].status is WorkStatus.DONE, us_payouts["USD"].error
    # The GBP payout holds only the GB company's payment: the US company never records it,
    # and says why; the GB company waits for its own roles.
    assert us_payouts["GBP"].status is WorkStatus.PENDING
    assert "did not record for this company" in us_payouts["GBP"].error
    assert "Set the settlement bank for GBP" in gb_payouts["GBP"].error
    assert "did not record for this company" in gb_payouts["USD"].error
    assert len(ledger.of("Deposit")) == 1


def test_a_refund_of_an_unmatched_payment_is_unmatched(client, ledger):
    us = _add_company(client, US, "USD")
    gb = _add_company(client, GB, "GBP")
    intent, events = paid(client, us, INVOICE, "100.00")
    for delivery in events:  # as if paid elsewhere: the same payment without Remit's keys
        event = copy.deepcopy(json.loads(delivery.payload))
        event["data"]["object"]["metadata"] = {}
        body, headers = signed(event)
        assert client.post("/webhooks/stripe", data=body, headers=headers).status_code == 200
    deliver(client, refunded(intent, 1000))
    for company in (us, gb):
        assert {(p.kind, p.status) for p in postings(company)} == {
            ("payment", WorkStatus.UNMATCHED), ("refund", WorkStatus.UNMATCHED)}
    assert ledger.writes == []  # nothing reached either ledger
