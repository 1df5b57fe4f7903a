"""End to end on QuickBooks and on Xero, through the stand-ins and the real connectors: two
payments, their fees, a partial refund, a dispute lost, then the payout. Each becomes one
ledger write under its key, the clearing account nets back to where it started when the payout
is recorded, and events delivered twice write nothing more."""

from __future__ import annotations

import os
import threading
from decimal import Decimal

import pytest

import sandbox.quickbooks_data
import sandbox.stripe
import sandbox.xero
from addon.accounts import cached_accounts
from addon.extensions import db
from addon.ledger import connector_for
from addon.models import WorkStatus
from tests.app.payment_flow import company_with_stripe, xero_company_with_stripe
from tests.app.postings_flow import deliver, paid, paid_out, postings, refunded, set_roles
from tests.app.test_routing import _gateway


def quickbooks(client):
    company = company_with_stripe(client)
    set_roles(client, company, "USD", settlement="35", fees="8")  # Checking, Bank Charges
    return company, "130", "USD"


def xero(client):
    company = xero_company_with_stripe(client)
    names = {a.name: a.id for a in cached_accounts(company)}
    set_roles(client, company, "GBP", settlement=names["Business Bank Account"],
              fees=names["Bank Fees"])
    return company, sandbox.xero.INVOICE_IDS["INV-0001"], "GBP"


@pytest.mark.parametrize("platform", [quickbooks, xero], ids=["quickbooks", "xero"])
def test_fees_a_refund_a_dispute_and_the_payout_each_written_once(client, platform):
    company, invoice_id, currency = platform(client)
    sandbox.stripe.set_balance_scenario("succeeded")
    connector = connector_for(company)
    gateway = _gateway(company)
    clearing = next(r.deposit_account_id for r in gateway.currencies if r.currency == currency)
    bank = next(r.settlement_account_id for r in gateway.currencies if r.currency == currency)
    clearing_before, bank_before = (connector.account_balance(clearing),
                                    connector.account_balance(bank))

    disputed, first = paid(client, company, invoice_id, "50.00")
    refunded_payment, second = paid(client, company, invoice_id, "200.00")
    deliver(client, first + second)
    refund_events = refunded(refunded_payment, 2500)
    deliver(client, refund_events)
    dispute = sandbox.stripe.open_dispute(disputed)
    dispute_events = sandbox.stripe.last_events()
    deliver(client, dispute_events)
    sandbox.stripe.close_dispute(dispute["id"], won=False)
    closing = sandbox.stripe.last_events()
    deliver(client, closing)
    payout_id, payout_events = paid_out(gateway.account_id)
    deliver(client, payout_events)
    deliver(client, first + second + refund_events + dispute_events + closing + payout_events)

    made = postings(company)
    kinds = sorted(p.kind for p in made)
    assert kinds == ["dispute", "dispute_closed", "fee", "fee", "payment", "payment", "payout",
                     "refund"]
    assert all(p.status is WorkStatus.DONE for p in made), [(p.kind, p.error) for p in made]
    written = [p for p in made if p.kind != "dispute_closed"]
    assert all(p.ledger_object_id for p in written)
    assert len({p.idempotency_key for p in made}) == len(made)
    payout = next(p for p in made if p.kind == "payout")
    db.session.expire_all()
    # The payout took everything: clearing is back where it started, the bank got the net.
    assert connector.account_balance(clearing) == clearing_before
    assert connector.account_balance(bank) == bank_before + payout.amount
    fees = sum((p.amount for p in made if p.kind == "fee"), Decimal(0))
    dispute_fee = Decimal(sandbox.stripe.DISPUTE_FEES[currency.lower()]) / 100
    assert payout.amount == Decimal("250.00") - fees - Decimal("25.00") - Decimal("50.00") \
        - dispute_fee
    assert payout.source_id == payout_id
    # The invoice stays paid: the refund and the dispute do not reopen it.
    assert connector.invoice(invoice_id).balance == Decimal("0.00")


@pytest.mark.parametrize("platform", [quickbooks, xero], ids=["quickbooks", "xero"])
def test_a_recorded_payout_that_fails_is_reversed_and_the_next_payout_takes_it_back(
        client, platform):
    company, invoice_id, currency = platform(client)
    sandbox.stripe.set_balance_scenario("succeeded")
    connector, gateway = connector_for(company), _gateway(company)
    clearing = next(r.deposit_account_id for r in gateway.currencies if r.currency == currency)
    bank = next(r.settlement_account_id for r in gateway.currencies if r.currency == currency)
    bank_before = connector.account_balance(bank)
    _intent, events = paid(client, company, invoice_id, "100.00")
    deliver(client, events)
    failed_id, payout_events = paid_out(gateway.account_id)
    deliver(client, payout_events)
    first = next(p for p in postings(company, "payout") if p.source_id == failed_id)
    assert first.status is WorkStatus.DONE, first.error
    clearing_after_payout = connector.account_balance(clearing)

    sandbox.stripe.settle_payout(failed_id, "failed")  # the bank sends it back, days later
    failure = sandbox.stripe.last_events()
    deliver(client, failure + failure)
    (reversal,) = postings(company, "payout_reversal")
    assert reversal.status is WorkStatus.DONE and reversal.ledger_object_id, reversal.error
    db.session.expire_all()
    assert connector.account_balance(bank) == bank_before
    assert connector.account_balance(clearing) == clearing_after_payout + first.amount

    _intent, more = paid(client, company, invoice_id, "50.00")  # the next payout takes it back
    deliver(client, more)
    next_id, next_events = paid_out(gateway.account_id)
    deliver(client, next_events)
    following = next(p for p in postings(company, "payout") if p.source_id == next_id)
    assert following.status is WorkStatus.DONE, following.error
    assert any(e["category"] == "payout_failure" for e in following.payload["entries"])
    db.session.expire_all()
    assert connector.account_balance(bank) == bank_before + following.amount
    assert connector.account_balance(clearing) == clearing_after_payout


@pytest.mark.skipif(
    not os.environ.get("REMIT_DATABASE_URL", "").startswith("postgres"),
    reason="concurrent writers need PostgreSQL; SQLite serialises them",
)
def test_concurrent_deliveries_of_a_refunds_events_record_it_once(client, app):
    company, invoice_id, _currency = quickbooks(client)
    intent, events = paid(client, company, invoice_id, "100.00")
    deliver(client, events)
    refund_events = refunded(intent, 4000)  # refund.created, charge.refunded, refund.updated
    answers = []

    def post(delivery):
        with app.app_context():
            answer = app.test_client().post("/webhooks/stripe", data=delivery.payload,
                                            headers=delivery.headers)
            answers.append(answer.status_code)

    threads = [threading.Thread(target=post, args=(delivery,))
               for delivery in refund_events * 5]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * len(threads)
    (refund,) = postings(company, "refund")
    assert refund.status is WorkStatus.DONE, refund.error
    receipts = sandbox.quickbooks_data.COMPANIES[company.external_id]["RefundReceipt"]
    assert len(receipts) == 1 and Decimal(str(receipts[0]["TotalAmt"])) == Decimal("40.00")


@pytest.mark.parametrize("platform", [quickbooks, xero], ids=["quickbooks", "xero"])
def test_a_dispute_won_reverses_its_withdrawal_and_the_payout_still_nets_to_zero(client,
                                                                                 platform):
    company, invoice_id, currency = platform(client)
    sandbox.stripe.set_balance_scenario("succeeded")
    connector, gateway = connector_for(company), _gateway(company)
    clearing = next(r.deposit_account_id for r in gateway.currencies if r.currency == currency)
    fees_account = next(r.fees_account_id for r in gateway.currencies if r.currency == currency)
    clearing_before = connector.account_balance(clearing)
    fees_before = connector.account_balance(fees_account)
    disputed, events = paid(client, company, invoice_id, "80.00")
    deliver(client, events)
    dispute = sandbox.stripe.open_dispute(disputed)
    deliver(client, sandbox.stripe.last_events())
    sandbox.stripe.close_dispute(dispute["id"], won=True)
    won = sandbox.stripe.last_events()
    deliver(client, won + won)
    steps = postings(company, "dispute")
    assert sorted(p.payload["step"] for p in steps) == ["reinstated", "withdrawn"]
    assert all(p.status is WorkStatus.DONE and p.ledger_object_id for p in steps)
    (closed,) = postings(company, "dispute_closed")
    assert closed.payload["status"] == "won" and closed.ledger_object_id is None
    _payout_id, payout_events = paid_out(gateway.account_id)
    deliver(client, payout_events)
    payout = postings(company, "payout")[0]
    assert payout.status is WorkStatus.DONE, payout.error
    db.session.expire_all()
    assert connector.account_balance(clearing) == clearing_before
    # what the dispute cost in the end is what Stripe kept: fee and any dispute fee not returned
    (fee,) = postings(company, "fee")
    kept = Decimal("80.00") - payout.amount
    assert connector.account_balance(fees_account) - fees_before == kept
    assert kept >= fee.amount
