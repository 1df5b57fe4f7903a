"""XeroConnector.invoice() and .account(): the fresh reads the posting runner makes just before a
write (re-validation), replayed from cassettes recorded against the sandbox (../README.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from connectors.base import Invoice, LedgerAccount, Rejected
from sandbox.xero_seed import INVOICE_IDS
from tests.connectors.xero.conftest import UK_ORG, requests_made

CLEARING = "b4620d84-ab5f-5ca4-b72d-991005e726d9"  # Stripe Clearing: CURRENT, payments enabled
EURO_BANK = "9f01acb9-46e4-5b8e-bcfc-a2264f60de60"
UNKNOWN = "00000000-0000-0000-0000-000000000000"
CITY_LIMOUSINES = "7b239be2-7f64-5709-b3ae-7266c3220f49"


@pytest.mark.vcr
def test_open_invoice_with_what_is_due(xero, vcr):
    invoice = xero.connector(UK_ORG, base_currency="GBP").invoice(INVOICE_IDS["INV-0001"])

    assert invoice == Invoice(
        id=INVOICE_IDS["INV-0001"], number="INV-0001", customer_id=CITY_LIMOUSINES,
        customer_name="City Limousines", currency="GBP", total=Decimal("250.00"),
        balance=Decimal("250.00"), status="open", exchange_rate=None,
        income_ref="200",  # the first line's AccountCode: a refund's credit note credits it
        due_date=date(2026, 3, 16))
    assert str(invoice.balance) == "250.00"  # Xero's two places, never through float
    assert requests_made(vcr) == 1  # the base currency was given: no Organisation read


@pytest.mark.vcr
def test_paid_invoice_has_nothing_due(xero):
    invoice = xero.connector(UK_ORG, base_currency="GBP").invoice(INVOICE_IDS["INV-0004"])

    assert (invoice.status, invoice.total, invoice.balance) == (
        "paid", Decimal("75.00"), Decimal("0.00"))


@pytest.mark.vcr
def test_foreign_invoice_carries_home_units_per_euro(xero, vcr):
    """Xero's CurrencyRate 1.183221 (euros per pound) becomes 1/1.183221 pounds per euro; the
    base currency comes from the Organisation, read once."""
    invoice = xero.connector(UK_ORG).invoice(INVOICE_IDS["INV-0003"])

    assert (invoice.currency, invoice.balance, invoice.customer_name) == (
        "EUR", Decimal("480.00"), "Rotterdam Fietsen B.V.")
    assert invoice.exchange_rate == Decimal("0.845150652329531")  # 15 significant digits
    assert requests_made(vcr) == 2


@pytest.mark.vcr
def test_unknown_invoice_is_rejected(xero):
    with pytest.raises(Rejected) as caught:
        xero.connector(UK_ORG, base_currency="GBP").invoice(UNKNOWN)

    assert "HTTP 404" in str(caught.value)
    assert caught.value.detail == f"Invoice {UNKNOWN} no longer exists in Xero."


@pytest.mark.vcr
def test_account_is_read_fresh_in_one_request(xero, vcr):
    connector = xero.connector(UK_ORG, base_currency="GBP")

    clearing = connector.account(CLEARING)
    euro = connector.account(EURO_BANK)

    assert clearing == LedgerAccount(
        id=CLEARING, name="Stripe Clearing", account_type="CURRENT", account_subtype=None,
        currency="GBP", active=True, payments_enabled=True, system_account=None)
    assert (euro.name, euro.currency, euro.account_type) == ("Euro Account", "EUR", "BANK")
    assert requests_made(vcr) == 2


@pytest.mark.vcr
def test_unknown_account_is_none(xero, vcr):
    assert xero.connector(UK_ORG, base_currency="GBP").account(UNKNOWN) is None
    assert requests_made(vcr) == 1
