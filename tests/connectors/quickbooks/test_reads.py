"""Single reads through the real SDK, replayed from cassettes recorded against the sandbox's seed
(sandbox/quickbooks_data.py): invoices as the pay-now page shows them, and accounts re-read just
before a write."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from connectors.base import Invoice, LedgerAccount, Rejected
from tests.connectors.quickbooks.conftest import SINGLE_CURRENCY_REALM, US_REALM

AMYS_FIRST, AMYS_SECOND, VOIDED = "130", "131", "132"  # seeded US invoices 1001, 1002, 1003
FIRST_CREATED_INVOICE = "133"


def entities(cassette) -> list[str]:
    """What each request read: /v3/company/{realm}/<this>[/{id}]."""
    return [urlsplit(request.uri).path.split("/")[4] for request in cassette.requests]


@pytest.mark.vcr
def test_open_invoice(qbo, vcr):
    invoice = qbo.connector(US_REALM).invoice(AMYS_FIRST)

    assert invoice == Invoice(id="130", number="1001", customer_id="1",
                              customer_name="Amy's Bird Sanctuary", currency="USD",
                              total=Decimal("250.00"), balance=Decimal("250.00"), status="open",
                              income_ref="1",  # its first line's item: a refund credits it
                              due_date=date(2026, 2, 11))
    assert str(invoice.balance) == "250.00"  # Intuit sends 250.0: the cents are given back
    assert entities(vcr) == ["invoice", "preferences"]  # home or foreign: the home currency


@pytest.mark.vcr
def test_paid_invoice(qbo):
    qbo.receive_payment(US_REALM, AMYS_SECOND)

    invoice = qbo.connector(US_REALM, home_currency="USD").invoice(AMYS_SECOND)

    assert (invoice.status, invoice.balance, invoice.total) == (
        "paid", Decimal("0.00"), Decimal("120.50"))


@pytest.mark.vcr
def test_voided_invoice(qbo):
    invoice = qbo.connector(US_REALM, home_currency="USD").invoice(VOIDED)

    assert (invoice.status, invoice.balance, invoice.number) == ("void", Decimal("0.00"), "1003")


@pytest.mark.vcr
def test_foreign_invoice_keeps_its_exchange_rate(qbo):
    qbo.create_invoice(US_REALM, "EUR", "80.00", expected_id=FIRST_CREATED_INVOICE)

    invoice = qbo.connector(US_REALM, home_currency="USD").invoice(FIRST_CREATED_INVOICE)

    assert (invoice.currency, invoice.balance, invoice.exchange_rate, invoice.customer_name) == (
        "EUR", Decimal("80.00"), Decimal("1.0856"), "Boulangerie Lemaire SARL")


@pytest.mark.vcr
def test_single_currency_invoice(qbo, vcr):
    invoice = qbo.connector(SINGLE_CURRENCY_REALM, home_currency="GBP").invoice("130")

    assert (invoice.currency, invoice.balance, invoice.exchange_rate) == (
        "GBP", Decimal("480.00"), None)
    assert entities(vcr) == ["invoice"]  # the home currency given: no Preferences read


@pytest.mark.vcr
def test_missing_invoice_is_rejected(qbo):
    with pytest.raises(Rejected) as caught:
        qbo.connector(US_REALM).invoice("999")

    assert "fault 610" in str(caught.value)
    assert caught.value.detail.startswith("Object Not Found")


def test_an_id_intuit_cannot_have_is_rejected_without_a_call(qbo):
    connector = qbo.connector(US_REALM)  # no cassette: any HTTP call would fail the test

    with pytest.raises(Rejected):
        connector.invoice("130/../../preferences")
    assert connector.account("35 OR 1=1") is None


@pytest.mark.vcr
def test_account_read_by_id(qbo):
    account = qbo.connector(US_REALM).account("4")

    assert account == LedgerAccount(id="4", name="Undeposited Funds",
                                    account_type="Other Current Asset",
                                    account_subtype="UndepositedFunds", currency="USD",
                                    active=True)


@pytest.mark.vcr
def test_inactive_account_is_still_read(qbo):
    account = qbo.connector(US_REALM).account("38")

    assert (account.name, account.active) == ("Old Operating Account", False)


@pytest.mark.vcr
def test_missing_account_is_none(qbo):
    assert qbo.connector(US_REALM).account("999") is None
