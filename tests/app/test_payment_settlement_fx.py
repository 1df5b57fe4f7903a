"""A payment Stripe converts (design.md, FX policy): settled in the ledger's home currency, it is
recorded in its own currency into the home currency's clearing account at Stripe's rate, its
settlement entry read once and handed to the fee; settled in a third currency, it waits."""

from __future__ import annotations

from decimal import Decimal

import requests
from flask import current_app
from sqlalchemy import select

import sandbox.quickbooks_data
import sandbox.stripe
import sandbox.stripe_fx
import sandbox.xero
from addon.accounts import cached_accounts, refresh_ledger
from addon.extensions import db
from addon.ledger import connector_for
from addon.models import Gateway, WorkStatus
from tests.app.payment_flow import company_with_stripe, xero_company_with_stripe
from tests.app.postings_flow import deliver, one, paid, recording_ledger, set_roles


def eur_invoice(client, company) -> dict:
    created = requests.post(f"{current_app.config['SANDBOX_URL']}/quickbooks/sandbox/invoices",
                            json={"realm": company.external_id, "currency": "EUR"}, timeout=10)
    assert created.status_code == 201, created.text
    assert refresh_ledger(company.id)
    return created.json()["Invoice"]


def collect_eur(client, company) -> None:
    receivable = next(a.id for a in cached_accounts(company)
                      if a.name == "Accounts Receivable (A/R) - EUR")
    gateway = db.session.scalar(select(Gateway))
    saved = client.post(f"/settings/gateways/{gateway.id}", data={
        "description": "Stripe.com", "action": "save", "currency": ["USD", "EUR"],
        "deposit-USD": "4", "receivable-USD": "84", "deposit-EUR": "92",
        "receivable-EUR": receivable, "fees-USD": "8"})
    assert saved.status_code == 302, saved.get_data(as_text=True)


def test_a_eur_payment_settled_in_usd_lands_in_usd_clearing_at_stripes_rate(client,
                                                                            monkeypatch):
    ledger = recording_ledger(monkeypatch)  # the fee journal is recorded at the boundary
    company = company_with_stripe(client)
    invoice = eur_invoice(client, company)
    collect_eur(client, company)
    sandbox.stripe.set_rate("eur", "usd", "1.0937")
    sandbox.stripe.set_balance_scenario("none")  # no entry on the events: one read
    _intent, events = paid(client, company, invoice["Id"], "40.00")
    deliver(client, events + events)

    payment = one(company, "payment")
    assert payment.status is WorkStatus.DONE, payment.error
    settlement = payment.payload["settlement"]
    assert (settlement["currency"], settlement["amount_minor"]) == ("USD", 4375)  # 43.748
    (recorded,) = sandbox.quickbooks_data.COMPANIES[company.external_id]["Payment"]
    assert recorded["CurrencyRef"]["value"] == "EUR"
    assert recorded["DepositToAccountRef"]["value"] == "4"  # USD clearing, not the EUR bank
    rate = Decimal(str(recorded["ExchangeRate"]))
    assert rate == Decimal("1.09375")  # 43.75 / 40.00: Stripe's amount back, not 1.0937
    assert (Decimal("40.00") * rate).quantize(Decimal("0.01")) == Decimal("43.75")
    db.session.expire_all()
    assert connector_for(company).invoice(invoice["Id"]).balance == \
        Decimal(str(invoice["Balance"])) - Decimal("40.00")
    fee = one(company, "fee")  # the entry read for the payment is the fee's: no second read
    assert fee.payload["entry"]["id"] == settlement["id"] and fee.currency == "USD"
    assert fee.status is WorkStatus.DONE, fee.error
    (journal,) = ledger.of("JournalEntry")
    assert journal.currency == "USD" and journal.lines[0].amount == Decimal(
        settlement["fee_minor"]) / 100


def test_a_payment_settled_in_a_third_currency_waits_with_a_clear_reason(client):
    company = xero_company_with_stripe(client, {"GBP": "Stripe Clearing"})
    sandbox.stripe_fx.reset()  # the US account no longer settles in GBP: GBP becomes USD
    invoice_id = sandbox.xero.INVOICE_IDS["INV-0001"]
    _intent, events = paid(client, company, invoice_id, "100.00")
    deliver(client, events)
    payment = one(company, "payment")
    assert payment.status is WorkStatus.PENDING and payment.attempts == 0
    assert "USD" in payment.error and "GBP" in payment.error
    assert payment.payload["waiting"]["code"] == "fx_unsupported"
    set_roles(client, company, "GBP")  # nothing changes it: still waiting, nothing written
    assert one(company, "payment").status is WorkStatus.PENDING
