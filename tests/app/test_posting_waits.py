"""Postings after the payment that cannot be written yet wait visibly, with their reason and
without spending an attempt: a dispute step whose fees account is not set, a payout settled in a
currency that is not the ledger's home currency."""

from __future__ import annotations

import pytest
from sqlalchemy import select

import sandbox.stripe
from addon.extensions import db
from addon.models import Gateway, WorkStatus
from tests.app.payment_flow import company_with_stripe
from tests.app.postings_flow import deliver, one, paid, paid_out, recording_ledger, set_roles
from tests.app.test_payment_settlement_fx import collect_eur, eur_invoice

INVOICE = "130"  # 250.00 USD
CHECKING, BANK_CHARGES = "35", "8"


@pytest.fixture
def ledger(monkeypatch):
    return recording_ledger(monkeypatch)


def test_a_dispute_step_waits_for_the_fees_account_its_dispute_fee_needs(client, ledger):
    company = company_with_stripe(client)
    set_roles(client, company, settlement=CHECKING, dispute_losses=BANK_CHARGES)  # no fees
    sandbox.stripe.set_balance_scenario("succeeded")
    intent, events = paid(client, company, INVOICE, "100.00")
    deliver(client, events)
    sandbox.stripe.open_dispute(intent)
    deliver(client, sandbox.stripe.last_events())

    dispute = one(company, "dispute")
    assert dispute.status is WorkStatus.PENDING and dispute.attempts == 0
    assert dispute.payload["waiting"] == {"code": "role", "currency": "USD", "role": "fees"}
    assert dispute.error == one(company, "fee").error  # the same words as the fee's wait

    set_roles(client, company, fees=BANK_CHARGES)
    client.post(f"/activity/postings/{dispute.id}/retry")
    assert one(company, "dispute").status is WorkStatus.DONE
    (withdrawn,) = [p for t, p in ledger.writes if t == "JournalEntry" and "dispute" in p.memo]
    assert {line.account_id for line in withdrawn.lines} == {BANK_CHARGES, "4"}


def test_a_payout_settled_outside_the_home_currency_waits_as_its_fees_do(client, ledger):
    """The US company (USD home) collects EUR and the Stripe account settles EUR as EUR: the
    payment is recorded in EUR, but neither its fee nor the payout can be, without a rate."""
    company = company_with_stripe(client)
    invoice = eur_invoice(client, company)
    collect_eur(client, company)
    set_roles(client, company, "EUR", settlement="92")  # Business EUR Account
    gateway = db.session.scalar(select(Gateway))
    sandbox.stripe.settle_in(gateway.account_id, "EUR")
    sandbox.stripe.set_balance_scenario("succeeded")
    _intent, events = paid(client, company, invoice["Id"], "40.00")
    deliver(client, events)
    assert one(company, "payment").status is WorkStatus.DONE
    fee = one(company, "fee")
    assert (fee.currency, fee.payload["waiting"]["code"]) == ("EUR", "fx_unsupported")

    _payout_id, payout_events = paid_out(gateway.account_id)
    deliver(client, payout_events + payout_events)
    payout = one(company, "payout")
    assert payout.currency == "EUR"
    assert payout.status is WorkStatus.PENDING and payout.attempts == 0
    assert payout.payload["waiting"] == {"code": "fx_unsupported", "currency": "EUR",
                                         "settlement": "EUR", "home": "USD"}
    assert payout.error == fee.error  # the same words as the fee's wait
    assert ledger.writes == []
