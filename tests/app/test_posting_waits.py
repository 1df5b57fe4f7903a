"""Postings after the payment that cannot be written yet wait visibly, with their reason and
without spending an attempt: a dispute step whose fees account is not set, a payout settled in a
currency that is not the ledger's home currency."""

from __future__ import annotations

import pytest

import sandbox.stripe
from addon.models import WorkStatus
from tests.app.payment_flow import company_with_stripe
from tests.app.postings_flow import deliver, one, paid, recording_ledger, set_roles

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
