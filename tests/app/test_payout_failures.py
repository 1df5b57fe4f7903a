"""End to end on QuickBooks and on Xero, through the stand-ins: a payout that fails or is
cancelled before Remit recorded it leaves clearing untouched, so the next payout takes its money
back from clearing with the rest (no reversal) and clearing ends where it started; a payout
recorded and then sent back by the bank is reversed first. The Reconciliation rows say balanced
for both."""

from __future__ import annotations

from decimal import Decimal

import pytest

import sandbox.stripe
from addon.extensions import db
from addon.ledger import connector_for
from addon.models import WorkStatus
from addon.reconcile import data
from addon.reconcile.rows import Status
from tests.app.postings_flow import deliver, paid, paid_out, postings
from tests.app.test_postings_ledgers import quickbooks, xero
from tests.app.test_routing import _gateway

STRIPE_TYPE = {"failed": "payout_failure", "canceled": "payout_cancel"}  # the money back
PLATFORMS = pytest.mark.parametrize("platform", [quickbooks, xero], ids=["quickbooks", "xero"])


def accounts(company, currency: str):
    gateway = _gateway(company)
    row = next(r for r in gateway.currencies if r.currency == currency)
    return gateway, row.deposit_account_id, row.settlement_account_id


def payout_posting(company, payout_id: str):
    return next(p for p in postings(company, "payout") if p.source_id == payout_id)


def statuses(gateway, currency: str) -> dict[str, Status]:
    db.session.expire_all()
    return {row.payout_id: row.status for row in data.rows(gateway, currency, None)}


@PLATFORMS
@pytest.mark.parametrize("outcome", ["failed", "canceled"])
def test_a_payout_failed_before_it_was_recorded_is_taken_back_by_the_next_one(
        client, platform, outcome):
    company, invoice_id, currency = platform(client)
    sandbox.stripe.set_balance_scenario("succeeded")
    connector = connector_for(company)
    gateway, clearing, bank = accounts(company, currency)
    clearing_before, bank_before = (connector.account_balance(clearing),
                                    connector.account_balance(bank))
    _intent, events = paid(client, company, invoice_id, "100.00")
    deliver(client, events)
    (first,) = sandbox.stripe.pay_out(gateway.account_id, fast_forward=True)
    deliver(client, sandbox.stripe.last_events())  # payout.created: in transit
    sandbox.stripe.settle_payout(first["id"], outcome)  # before it was ever reconciled
    failure = sandbox.stripe.last_events()
    deliver(client, failure + failure)
    failed = payout_posting(company, first["id"])
    assert failed.status is WorkStatus.IGNORED and failed.ledger_object_id is None

    _intent, more = paid(client, company, invoice_id, "50.00")
    deliver(client, more)
    next_id, next_events = paid_out(gateway.account_id)
    deliver(client, next_events)
    following = payout_posting(company, next_id)
    assert following.status is WorkStatus.DONE, following.error
    back = [e for e in following.payload["entries"] if e["category"] == "payout_failure"]
    assert [(e["type"], e["source_id"], e["net_minor"]) for e in back] == [
        (STRIPE_TYPE[outcome], first["id"], first["amount"])]
    assert postings(company, "payout_reversal") == []
    fees = sum((p.amount for p in postings(company, "fee")), Decimal(0))
    assert following.amount == Decimal("150.00") - fees

    db.session.expire_all()
    assert connector.account_balance(clearing) == clearing_before
    assert connector.account_balance(bank) == bank_before + following.amount
    assert statuses(gateway, currency) == {first["id"]: Status.BALANCED,
                                           next_id: Status.BALANCED}


@PLATFORMS
def test_the_next_payout_waits_to_learn_an_earlier_one_failed_then_is_recorded(
        client, platform):
    """Events out of order: the next payout arrives before the failure of the one whose money
    it takes back. It waits for that payout's posting, and is recorded once the failure is."""
    company, invoice_id, currency = platform(client)
    sandbox.stripe.set_balance_scenario("succeeded")
    connector = connector_for(company)
    gateway, clearing, _bank = accounts(company, currency)
    clearing_before = connector.account_balance(clearing)
    _intent, events = paid(client, company, invoice_id, "100.00")
    deliver(client, events)
    (first,) = sandbox.stripe.pay_out(gateway.account_id, fast_forward=True)
    deliver(client, sandbox.stripe.last_events())
    sandbox.stripe.settle_payout(first["id"], "canceled")
    cancelled = sandbox.stripe.last_events()  # not delivered yet

    next_id, next_events = paid_out(gateway.account_id)
    deliver(client, next_events)
    following = payout_posting(company, next_id)
    assert following.status is WorkStatus.PENDING
    assert following.payload["waiting_for"] == [payout_posting(company, first["id"]).id]
    assert statuses(gateway, currency)[next_id] is Status.WAITING

    deliver(client, cancelled)  # the failed payout settles as ignored and wakes the next one
    following = payout_posting(company, next_id)
    assert following.status is WorkStatus.DONE, following.error
    assert payout_posting(company, first["id"]).status is WorkStatus.IGNORED
    assert postings(company, "payout_reversal") == []
    db.session.expire_all()
    assert connector.account_balance(clearing) == clearing_before
    assert statuses(gateway, currency)[next_id] is Status.BALANCED


@PLATFORMS
def test_a_payout_failed_after_it_was_recorded_waits_for_its_reversal_then_balances(
        client, platform):
    company, invoice_id, currency = platform(client)
    sandbox.stripe.set_balance_scenario("succeeded")
    connector = connector_for(company)
    gateway, clearing, bank = accounts(company, currency)
    clearing_before, bank_before = (connector.account_balance(clearing),
                                    connector.account_balance(bank))
    _intent, events = paid(client, company, invoice_id, "100.00")
    deliver(client, events)
    failed_id, payout_events = paid_out(gateway.account_id)
    deliver(client, payout_events)
    assert payout_posting(company, failed_id).status is WorkStatus.DONE

    sandbox.stripe.settle_payout(failed_id, "failed")  # the bank sends it back after paying
    deliver(client, sandbox.stripe.last_events())
    (reversal,) = postings(company, "payout_reversal")
    assert reversal.status is WorkStatus.DONE and reversal.ledger_object_id, reversal.error

    _intent, more = paid(client, company, invoice_id, "50.00")
    deliver(client, more)
    next_id, next_events = paid_out(gateway.account_id)
    deliver(client, next_events)
    following = payout_posting(company, next_id)
    assert following.status is WorkStatus.DONE, following.error
    db.session.expire_all()
    assert connector.account_balance(clearing) == clearing_before
    assert connector.account_balance(bank) == bank_before + following.amount
    assert statuses(gateway, currency) == {failed_id: Status.BALANCED,
                                           next_id: Status.BALANCED}
