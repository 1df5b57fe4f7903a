"""The paying-twice window on a Xero invoice: what Stripe took and Xero does not show yet is
subtracted, an older Checkout page cannot be paid, and the rest is payable once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

import sandbox.stripe
import sandbox.xero
from addon.extensions import db
from addon.models import Posting, WorkStatus
from addon.pay import guard
from sandbox import stripe_payments
from tests.app.payment_flow import checkout, link_path, pay_and_deliver, xero_company_with_stripe
from tests.app.test_pay_page import deliver, pay_held


@pytest.fixture
def company(client):
    return xero_company_with_stripe(client)


def test_a_xero_payment_on_its_way_is_subtracted_and_not_taken_twice(client, company):
    invoice_id = sandbox.xero.INVOICE_IDS["INV-0001"]  # 250.00 GBP
    path = link_path(company, invoice_id)
    older = checkout(client, path, "50.00")
    first = checkout(client, path, "100.00")  # a second tab: the first page is expired
    with pytest.raises(stripe_payments.NotPayable):
        sandbox.stripe.pay(older, sandbox.stripe.SUCCEEDING_CARD)
    held = pay_held(first)
    answer = client.post(path, data={"amount": "250.00"})
    assert answer.status_code == 400
    assert "cannot be more than the 150.00 GBP" in answer.get_data(as_text=True)
    deliver(client, held)
    (posting,) = db.session.scalars(select(Posting).where(Posting.kind == "payment")).all()
    assert posting.status is WorkStatus.DONE, posting.error
    assert "150.00 GBP" in client.get(path).get_data(as_text=True)  # cached read + posting
    guard.forget_invoice(company.id, invoice_id)
    assert "150.00 GBP" in client.get(path).get_data(as_text=True)  # Xero's own balance
    pay_and_deliver(client, checkout(client, path, "150.00"))
    assert "being recorded" in client.get(path).get_data(as_text=True)
    guard.forget_invoice(company.id, invoice_id)
    assert "already paid" in client.get(path).get_data(as_text=True)
    assert len(db.session.scalars(select(Posting).where(Posting.kind == "payment")).all()) == 2
