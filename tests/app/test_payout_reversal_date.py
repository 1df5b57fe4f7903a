"""A recorded payout that the bank sends back is reversed on the day Stripe recorded the
failure (its payout_failure balance entry), not on the day Remit learned of it."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import sandbox.stripe
import sandbox.stripe_balance
from addon.models import WorkStatus
from tests.app.payment_flow import company_with_stripe
from tests.app.postings_flow import (
    deliver,
    one,
    paid,
    paid_out,
    recording_ledger,
    set_roles,
)
from tests.app.test_routing import _gateway

INVOICE = "130"  # 250.00 USD
CHECKING, BANK_CHARGES = "35", "8"
DAY = 24 * 3600


def test_a_failure_learned_late_is_reversed_on_the_day_stripe_recorded_it(client, monkeypatch):
    ledger = recording_ledger(monkeypatch)
    company = company_with_stripe(client)
    set_roles(client, company, settlement=CHECKING, fees=BANK_CHARGES)
    sandbox.stripe.set_balance_scenario("succeeded")
    _intent, events = paid(client, company, INVOICE, "100.00")
    deliver(client, events)
    monkeypatch.setattr(sandbox.stripe_balance, "clock", lambda: time.time() - 6 * DAY)
    payout_id, payout_events = paid_out(_gateway(company).account_id)  # paid six days ago
    deliver(client, payout_events)
    assert one(company, "payout").status is WorkStatus.DONE

    failed_at = time.time() - 4 * DAY  # the bank sent it back two days later
    monkeypatch.setattr(sandbox.stripe_balance, "clock", lambda: failed_at)
    failed = sandbox.stripe.settle_payout(payout_id, "failed")
    deliver(client, sandbox.stripe.last_events())  # Remit learns of it today

    reversal = one(company, "payout_reversal")
    assert reversal.status is WorkStatus.DONE, reversal.error
    assert reversal.payload["entry"]["id"] == failed["failure_balance_transaction"]
    (transfer,) = ledger.of("Transfer")
    assert transfer.arrival_date == datetime.fromtimestamp(failed_at, UTC).date()
    assert transfer.arrival_date <= reversal.created_at.date() - timedelta(days=3)
