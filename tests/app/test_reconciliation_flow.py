"""End to end on the stand-ins: payments, a dashboard refund and a payout through Stripe's
signed events, recorded in QuickBooks by the runner; the Reconciliation page then reads the
postings it made and both balances from the stand-ins."""

from __future__ import annotations

from datetime import date, timedelta

from addon.models import WorkStatus
from tests.app.payment_flow import company_with_stripe
from tests.app.postings_flow import deliver, one, paid, paid_out, refunded, set_roles
from tests.app.test_routing import _gateway

INVOICE = "130"  # 250.00 USD
CHECKING, BANK_CHARGES = "35", "8"


def test_a_recorded_payout_reads_balanced_and_a_new_payment_waits(client):
    company = company_with_stripe(client)
    set_roles(client, company, settlement=CHECKING, fees=BANK_CHARGES)
    gateway = _gateway(company)
    first, first_events = paid(client, company, INVOICE, "100.00")
    deliver(client, first_events)
    _second, second_events = paid(client, company, INVOICE, "30.00")
    deliver(client, second_events)
    deliver(client, refunded(first, 2500))
    payout_id, payout_events = paid_out(gateway.account_id)
    deliver(client, payout_events)
    payout = one(company, "payout")
    assert payout.status is WorkStatus.DONE, payout.error

    since = (date.today() - timedelta(days=40)).isoformat()
    page = client.get(f"/reconciliation/{gateway.id}?currency=USD&since={since}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and payout_id in text
    assert "Balanced" in text and ">130.00<" in text and ">-25.00<" in text
    assert f"Transaction {payout.ledger_object_id}" in text
    assert "could not be asked" not in text  # both balances came from the stand-ins

    csv = client.get(f"/reconciliation/{gateway.id}/reconciliation.csv?currency=USD"
                     f"&since={since}").get_data(as_text=True)
    (row,) = [line for line in csv.splitlines() if payout_id in line]
    cells = row.split(",")
    assert cells[3] == "130.00" and cells[5] == "-25.00" and "Balanced" in cells
    assert cells[8] == str(payout.amount)

    # A payment whose events have not reached Remit yet, paid out: the new payout waits for it.
    third, _undelivered = paid(client, company, INVOICE, "20.00")
    second_payout, second_events = paid_out(gateway.account_id)
    deliver(client, second_events)
    text = client.get(f"/reconciliation/{gateway.id}?currency=USD&since={since}").get_data(
        as_text=True)
    assert text.index(second_payout) < text.index(payout_id)
    assert "Waiting" in text and f"Payment {third}: not received yet." in text
