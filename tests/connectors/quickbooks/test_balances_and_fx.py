"""Account balances, dinar invoices and a foreign payment into the home-currency clearing
account, replayed from cassettes recorded against the sandbox's seed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from connectors.base import InvoiceApplication, LedgerWrite, PaymentPosting, Rejected
from tests.connectors.quickbooks.conftest import US_REALM

CLEARING, CHECKING, EXCHANGE = "95", "35", "94"
DINAR_RECEIVABLE, FIRST_DINAR_INVOICE = "96", "127"  # seeded: K-1001, 150.250 KWD


@pytest.mark.vcr
def test_balances_are_read_in_each_accounts_currency(qbo, vcr):
    connector = qbo.connector(US_REALM)

    assert connector.account_balance(CHECKING) == Decimal("12500.00")
    assert connector.account_balance(DINAR_RECEIVABLE) == Decimal("225.375")  # three places
    with pytest.raises(Rejected):
        connector.account_balance("999")
    assert len(vcr.requests) == 3  # one read each


def test_an_id_intuit_cannot_have_is_rejected_without_a_call(qbo):
    with pytest.raises(Rejected):
        qbo.connector(US_REALM).account_balance("clearing")


@pytest.mark.vcr
def test_a_dinar_invoice_keeps_its_three_places_and_its_item(qbo, vcr):
    qbo.create_invoice(US_REALM, "KWD", "12.345", expected_id="133")
    connector = qbo.connector(US_REALM, home_currency="USD")

    seeded, created = connector.invoice(FIRST_DINAR_INVOICE), connector.invoice("133")

    assert (seeded.number, seeded.currency, seeded.total, seeded.balance, seeded.status,
            seeded.exchange_rate, seeded.income_ref) == (
        "K-1001", "KWD", Decimal("150.250"), Decimal("150.250"), "open", Decimal("3.2573"), "1")
    assert (created.currency, created.total, created.customer_id) == (
        "KWD", Decimal("12.345"), "61")
    assert len(vcr.requests) == 2  # the home currency was given: no Preferences read


@pytest.mark.vcr
def test_a_euro_payment_into_the_dollar_clearing_account_books_the_realised_gain(qbo, vcr):
    """The invoice says 1.0856 dollars a euro; Stripe settled at 1.1: QuickBooks takes the
    foreign payment into the home-currency clearing account at Stripe's rate (80 x 1.1 = 88.00)
    and books the difference to the invoice's rate (86.85) as exchange gain."""
    qbo.create_invoice(US_REALM, "EUR", "80.00", expected_id="133")
    connector = qbo.connector(US_REALM, home_currency="USD")
    payment = PaymentPosting(
        idempotency_key="rp-eur-into-usd", customer_id="58", currency="EUR",
        amount=Decimal("80.00"), paid_on=date(2026, 1, 20), deposit_account_id=CLEARING,
        receivable_account_id="101",
        applications=(InvoiceApplication("133", Decimal("80.00")),),
        reference="ch_1", memo="Stripe pi_1", exchange_rate=Decimal("1.1"))

    written = connector.record_payment(payment)

    assert written == LedgerWrite("Payment", ("201",))
    assert connector.invoice("133").status == "paid"
    assert connector.account_balance(CLEARING) == Decimal("88.00")
    assert connector.account_balance(EXCHANGE) == Decimal("-1.15")  # a gain reduces it
