"""Customers pay invoices outside the ledger's home currency through the pay page: EUR and JPY
(zero-decimal) in a GBP Xero organisation, EUR in a USD QuickBooks company. Each payment is
booked in the invoice's currency at the invoice's own exchange rate, applied to it, once."""

from decimal import Decimal

import pytest
import requests
from flask import current_app
from sqlalchemy import select

import sandbox.quickbooks_data
import sandbox.stripe
import sandbox.xero
import sandbox.xero_api
from addon.accounts import cached_accounts, refresh_ledger
from addon.extensions import db
from addon.ledger import connector_for
from addon.models import Posting, WorkStatus
from sandbox.xero_seed import EUR_RATE, JPY_RATE
from tests.app.payment_flow import (
    checkout,
    company_with_stripe,
    deliver_again,
    link_path,
    pay_and_deliver,
    xero_company_with_stripe,
)


@pytest.fixture
def xero_company(client):
    """The UK organisation (GBP base) collecting GBP, EUR and JPY, each into its own bank."""
    return xero_company_with_stripe(client, {"GBP": "Stripe Clearing", "EUR": "Euro Account",
                                             "JPY": "Yen Account"})


def recorded_in_xero(company, invoice_number: str) -> list[dict]:
    """The payments the stand-in's organisation holds against one invoice."""
    invoice_id = sandbox.xero.INVOICE_IDS[invoice_number]
    org = sandbox.xero_api._organisations[company.external_id]
    return [p for p in org["Payments"] if p["Invoice"]["InvoiceID"] == invoice_id]


@pytest.mark.parametrize(("number", "amount", "customer", "left", "account", "rate"), [
    ("INV-0003", "100.00", "Rotterdam Fietsen", "380.00", "Euro Account", EUR_RATE),
    ("INV-0007", "12000", "Kyoto Cycle Works", "24000", "Yen Account", JPY_RATE),
])
def test_a_foreign_currency_payment_posts_in_a_gbp_xero_organisation(
        client, xero_company, number, amount, customer, left, account, rate):
    invoice_id = sandbox.xero.INVOICE_IDS[number]
    page = client.get(link_path(xero_company, invoice_id)).get_data(as_text=True)
    assert customer in page and "Amount to pay" in page
    deliveries = pay_and_deliver(client, checkout(client, link_path(xero_company, invoice_id),
                                                  amount))
    deliver_again(client, deliveries)
    (posting,) = db.session.scalars(select(Posting).where(Posting.kind == "payment")).all()
    assert posting.status is WorkStatus.DONE, posting.error
    assert posting.amount == Decimal(amount)
    db.session.expire_all()
    assert connector_for(xero_company).invoice(invoice_id).balance == Decimal(left)
    (payment,) = recorded_in_xero(xero_company, number)
    # In the invoice's currency, into the bank in that currency, at the invoice's rate.
    assert payment["Amount"] == Decimal(amount) and payment["CurrencyRate"] == rate
    assert payment["Account"]["Name"] == account and payment["BankAmount"] == Decimal(amount)


def test_a_eur_payment_posts_in_a_usd_quickbooks_company(client):
    company = company_with_stripe(client)
    created = requests.post(f"{current_app.config['SANDBOX_URL']}/quickbooks/sandbox/invoices",
                            json={"realm": company.external_id, "currency": "EUR"}, timeout=10)
    assert created.status_code == 201, created.text
    invoice = created.json()["Invoice"]
    assert refresh_ledger(company.id)
    receivable = next(a.id for a in cached_accounts(company)
                      if a.name == "Accounts Receivable (A/R) - EUR")
    gateway = company.gateways[0]
    sandbox.stripe.settle_in(gateway.account_id, "EUR")  # not converted: as before Stripe's FX
    saved = client.post(f"/settings/gateways/{gateway.id}", data={
        "description": "Stripe.com", "action": "save", "currency": ["USD", "EUR"],
        "deposit-USD": "4", "receivable-USD": "84", "deposit-EUR": "92",
        "receivable-EUR": receivable})
    assert saved.status_code == 302, saved.get_data(as_text=True)

    deliveries = pay_and_deliver(client, checkout(client, link_path(company, invoice["Id"]),
                                                  "40.00"))
    deliver_again(client, deliveries)
    (posting,) = db.session.scalars(select(Posting).where(Posting.kind == "payment")).all()
    assert posting.status is WorkStatus.DONE, posting.error
    db.session.expire_all()
    balance = connector_for(company).invoice(invoice["Id"]).balance
    assert balance == Decimal(str(invoice["Balance"])) - Decimal("40.00")
    (payment,) = sandbox.quickbooks_data.COMPANIES[company.external_id]["Payment"]
    assert payment["CurrencyRef"]["value"] == "EUR"
    assert Decimal(str(payment["ExchangeRate"])) == Decimal(str(invoice["ExchangeRate"]))


def test_a_deposit_account_no_longer_in_the_currency_is_refused_before_writing(
        client, xero_company):
    """The platform's rules still guard the deposit account: a GBP bank for EUR is refused."""
    gateway = xero_company.gateways[0]
    row = next(r for r in gateway.currencies if r.currency == "EUR")
    row.deposit_account_id = next(a.id for a in cached_accounts(xero_company)
                                  if a.name == "Business Bank Account")
    db.session.commit()
    invoice_id = sandbox.xero.INVOICE_IDS["INV-0003"]
    pay_and_deliver(client, checkout(client, link_path(xero_company, invoice_id), "100.00"))
    (posting,) = db.session.scalars(select(Posting).where(Posting.kind == "payment")).all()
    assert posting.status is WorkStatus.FAILED and "EUR" in posting.error
    assert recorded_in_xero(xero_company, "INV-0003") == []
