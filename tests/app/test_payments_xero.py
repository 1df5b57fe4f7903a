"""A customer pays a Xero invoice: one Xero payment into the mapped account, recorded once."""

from sqlalchemy import select

import sandbox.xero
from addon.extensions import db
from addon.ledger import connector_for
from addon.models import Posting, WorkStatus
from tests.app.payment_flow import (
    checkout,
    count_xero_calls,
    deliver_again,
    link_path,
    pay_and_deliver,
    xero_company_with_stripe,
)


def test_a_xero_invoice_payment_is_recorded_once(client):
    company = xero_company_with_stripe(client)

    invoice_id = sandbox.xero.INVOICE_IDS["INV-0001"]
    page = client.get(link_path(company, invoice_id)).get_data(as_text=True)
    assert "City Limousines" in page and "250.00 GBP" in page
    deliveries = pay_and_deliver(client, checkout(client, link_path(company, invoice_id),
                                                  "100.00"))
    (posting,) = db.session.scalars(select(Posting).where(Posting.kind == "payment")).all()
    assert posting.status is WorkStatus.DONE, posting.error
    deliver_again(client, deliveries)
    db.session.expire_all()
    assert str(connector_for(company).invoice(invoice_id).balance) == "150.00"
    assert len(db.session.scalars(select(Posting).where(Posting.kind == "payment")).all()) == 1


def test_a_xero_payment_costs_two_reads_and_one_write(client, monkeypatch):
    """Every Xero API call the worker makes for one payment (and its redeliveries), counted
    where xero-python sends them: urllib3. The invoice read gives the balance due that decides
    what is applied and what is kept as customer credit (one read per invoice paid)."""
    company = xero_company_with_stripe(client)
    invoice_id = sandbox.xero.INVOICE_IDS["INV-0001"]
    session_id = checkout(client, link_path(company, invoice_id), "100.00")
    calls = count_xero_calls(monkeypatch)
    deliver_again(client, pay_and_deliver(client, session_id))
    assert calls == [("GET", "Accounts"), ("GET", "Invoices"), ("PUT", "Payments")]
