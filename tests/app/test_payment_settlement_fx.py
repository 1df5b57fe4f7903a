"""A payment Stripe converts (design.md, FX policy): settled in the ledger's home currency, it is
recorded in its own currency into the home currency's clearing account at Stripe's rate, its
settlement entry read once and handed to the fee; settled in a third currency, it waits."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests
from flask import current_app
from sqlalchemy import select

import sandbox.quickbooks_data
import sandbox.stripe
import sandbox.stripe_fx
import sandbox.xero
import sandbox.xero_api
from addon.accounts import cached_accounts, refresh_ledger
from addon.extensions import db
from addon.ledger import connector_for
from addon.models import Gateway, WorkStatus
from tests.app.payment_flow import company_with_stripe, xero_company_with_stripe
from tests.app.postings_flow import deliver, one, paid, paid_out, recording_ledger, set_roles


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


def test_quickbooks_eur_payment_refund_fee_and_payout_net_clearing_to_zero(client):
    """Converted by Stripe into USD: the payment and the refund at their own rates, the fee
    and the payout in USD; clearing (Undeposited Funds) back to where it started."""
    company = company_with_stripe(client)
    invoice = eur_invoice(client, company)
    collect_eur(client, company)
    set_roles(client, company, "USD", settlement="35")
    connector, gateway = connector_for(company), db.session.scalar(select(Gateway))
    clearing_before = connector.account_balance("4")
    sandbox.stripe.set_rate("eur", "usd", "1.0937")
    intent, events = paid(client, company, invoice["Id"], "40.00")
    deliver(client, events)
    sandbox.stripe.set_rate("eur", "usd", "1.1021")  # the refund converts at its own time
    sandbox.stripe.refund(intent, 1000)
    deliver(client, sandbox.stripe.last_events())
    refund = one(company, "refund")
    assert refund.status is WorkStatus.DONE, refund.error
    assert refund.payload["entry"]["amount_minor"] == -1102  # 10.00 EUR x 1.1021
    (receipt,) = sandbox.quickbooks_data.COMPANIES[company.external_id]["RefundReceipt"]
    assert receipt["CurrencyRef"]["value"] == "EUR"
    assert Decimal(str(receipt["ExchangeRate"])) == Decimal("1.102")
    assert receipt["DepositToAccountRef"]["value"] == "4"
    _payout_id, payout_events = paid_out(gateway.account_id)
    deliver(client, payout_events)
    payout = one(company, "payout")
    assert payout.status is WorkStatus.DONE, payout.error
    fee = one(company, "fee")
    assert payout.amount == Decimal("43.75") - Decimal("11.02") - fee.amount
    db.session.expire_all()
    assert connector.account_balance("4") == clearing_before


@pytest.mark.parametrize(("number", "amount"), [("INV-0003", "100.00"), ("INV-0007", "12000")])
def test_xero_foreign_payment_on_a_uk_stripe_account_lands_in_gbp_clearing(client, number,
                                                                         amount):
    """A UK organisation on a UK Stripe account (GBP): EUR and JPY payments are converted to
    GBP, the organisation's base currency, and paid from Stripe Clearing at Stripe's rate."""
    from tests.app.oauth_flow import connect
    from tests.app.stripe_flow import CREATE, connect_stripe
    from tests.app.test_connect_xero import UK, choose

    connect(client, "xero")
    choose(client, UK)
    assert connect_stripe(client, button=CREATE, landing="register",
                          choices={"business_name": "Hawthorn Cycles UK"}).status_code == 302
    gateway = db.session.scalar(select(Gateway))
    company = gateway.company
    assert gateway.account_default_currency == "GBP"
    names = {a.name: a.id for a in cached_accounts(company)}
    code = "EUR" if number == "INV-0003" else "JPY"
    saved = client.post(f"/settings/gateways/{gateway.id}", data={
        "description": "Stripe.com", "action": "save", "currency": ["GBP", code],
        "deposit-GBP": names["Stripe Clearing"],
        f"deposit-{code}": names["Euro Account" if code == "EUR" else "Yen Account"],
        "fees-GBP": names["Bank Fees"], "settlement-GBP": names["Business Bank Account"]})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    connector = connector_for(company)
    clearing_before = connector.account_balance(names["Stripe Clearing"])
    invoice_id = sandbox.xero.INVOICE_IDS[number]
    _intent, events = paid(client, company, invoice_id, amount)
    deliver(client, events + events)
    payment = one(company, "payment")
    assert payment.status is WorkStatus.DONE, payment.error
    settled = payment.payload["settlement"]
    assert settled["currency"] == "GBP"
    org = sandbox.xero_api._organisations[company.external_id]
    (recorded,) = [p for p in org["Payments"] if p["Invoice"]["InvoiceID"] == invoice_id]
    assert recorded["Account"]["Name"] == "Stripe Clearing"
    assert recorded["Amount"] == Decimal(amount)
    # Xero's CurrencyRate is foreign units per unit of the base currency: Stripe's amount back
    assert (Decimal(amount) / Decimal(str(recorded["CurrencyRate"]))).quantize(
        Decimal("0.01")) == Decimal(settled["amount_minor"]) / 100
    _payout_id, payout_events = paid_out(gateway.account_id)
    deliver(client, payout_events)
    assert one(company, "payout").status is WorkStatus.DONE, one(company, "payout").error
    assert one(company, "fee").status is WorkStatus.DONE
    db.session.expire_all()
    assert connector.account_balance(names["Stripe Clearing"]) == clearing_before
