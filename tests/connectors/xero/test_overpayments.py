"""XeroConnector.record_payment() with customer credit: the applied part as a Payment, the
excess as a RECEIVE-OVERPAYMENT bank transaction under its own Idempotency-Key, replayed from
cassettes recorded against the sandbox (../README.md)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from connectors.base import LedgerWrite, Rejected
from connectors.xero.connector import OVERPAYMENT_KEY_SUFFIX
from sandbox.xero_seed import INVOICE_IDS
from tests.connectors.xero.conftest import UK_ORG, answer, body, requests_made
from tests.connectors.xero.test_payments import BANK, CITY_LIMOUSINES, posting

EURO_BANK = "9f01acb9-46e4-5b8e-bcfc-a2264f60de60"  # Euro account

KEY = "rp-0f3c5a1e9d7b2c4a6e8f0a1b3c5d7e9f1a2b3c4d"


def overpaid(*applications: tuple[str, str], credit: str, **changes):
    """City Limousines paid the applications plus `credit` beyond what was due."""
    paid = posting(*applications, key=KEY)
    return dataclasses.replace(paid, amount=paid.amount + Decimal(credit),
                               credit=Decimal(credit), **changes)


@pytest.mark.vcr
def test_the_balance_is_paid_and_the_excess_becomes_an_overpayment(xero, vcr):
    """Balance 250, paid 300: a Payment of 250, then an Overpayment of 50 for the contact."""
    connector = xero.connector(UK_ORG, base_currency="GBP")

    written = connector.record_payment(overpaid(("INV-0001", "250.00"), credit="50.00"))

    assert requests_made(vcr) == 2
    assert vcr.requests[0].uri.endswith("/Payments?summarizeErrors=True")
    assert vcr.requests[1].uri.endswith("/BankTransactions?summarizeErrors=True")
    assert vcr.requests[0].headers["Idempotency-Key"] == KEY
    assert vcr.requests[1].headers["Idempotency-Key"] == KEY + OVERPAYMENT_KEY_SUFFIX
    assert body(vcr, 0)["Payments"][0]["Amount"] == 250.0
    sent = body(vcr, 1)["BankTransactions"][0]
    assert (sent["Type"], sent["Contact"]["ContactID"], sent["BankAccount"]["AccountID"],
            sent["CurrencyCode"], sent["LineAmountTypes"]) == (
        "RECEIVE-OVERPAYMENT", CITY_LIMOUSINES, BANK, "GBP", "NoTax")
    assert [line["LineAmount"] for line in sent["LineItems"]] == [50.0]
    created = answer(vcr, 1)["BankTransactions"][0]
    payment_id = answer(vcr, 0)["Payments"][0]["PaymentID"]
    assert written == LedgerWrite("Payment", (payment_id, created["OverpaymentID"]))
    assert (created["Total"], created["Status"]) == (50.0, "AUTHORISED")
    paid = connector.invoice(INVOICE_IDS["INV-0001"])
    assert (paid.status, paid.balance) == ("paid", Decimal("0.00"))


@pytest.mark.vcr
def test_a_payment_for_a_paid_invoice_is_all_credit_in_one_write(xero, vcr):
    """INV-0004 was paid in Xero before Remit posted: nothing to apply, no Payment sent."""
    connector = xero.connector(UK_ORG, base_currency="GBP")

    written = connector.record_payment(overpaid(credit="75.00"))

    assert requests_made(vcr) == 1
    assert vcr.requests[0].uri.endswith("/BankTransactions?summarizeErrors=True")
    assert written.object_ids == (answer(vcr, 0)["BankTransactions"][0]["OverpaymentID"],)


@pytest.mark.vcr
def test_a_retry_after_the_first_write_replays_it_and_makes_the_credit_once(xero, vcr):
    """The first attempt wrote the Payment, then its Overpayment was refused (an unknown
    contact); the corrected retry under the same key gets the same Payment back (replayed,
    not paid twice) and creates the Overpayment; a third send replays both."""
    connector = xero.connector(UK_ORG, base_currency="GBP")
    good = overpaid(("INV-0002", "20.50"), credit="5.00")

    with pytest.raises(Rejected) as caught:
        connector.record_payment(dataclasses.replace(
            good, customer_id="00000000-0000-0000-0000-000000000000"))
    retried = connector.record_payment(good)
    again = connector.record_payment(good)

    assert caught.value.detail  # Xero's ValidationException, every message kept
    assert retried == again and len(retried.object_ids) == 2
    assert retried.object_ids[0] == answer(vcr, 0)["Payments"][0]["PaymentID"]
    assert connector.invoice(INVOICE_IDS["INV-0002"]).balance == Decimal("100.00")
    assert requests_made(vcr) == 7  # 2 + 2 + 2 writes, then the invoice read


def test_applications_and_credit_must_add_up_before_any_call(xero):
    wrong = dataclasses.replace(overpaid(("INV-0001", "10.00"), credit="5.00"),
                                amount=Decimal("16.00"))

    with pytest.raises(Rejected):  # no cassette: any HTTP call would fail the test
        xero.connector(UK_ORG, base_currency="GBP").record_payment(wrong)


def test_applications_may_be_empty_only_when_all_is_credit(xero):
    nothing = dataclasses.replace(posting(key=KEY), applications=(), amount=Decimal("0"))

    with pytest.raises(Rejected):
        xero.connector(UK_ORG, base_currency="GBP").record_payment(nothing)


@pytest.mark.vcr
def test_foreign_credit_into_a_base_currency_account_is_refused_before_any_write(xero, vcr):
    """A EUR excess cannot be a RECEIVE-OVERPAYMENT on the pound account (a bank transaction
    is in its account's currency): one account read, no Payment left half-recorded."""
    connector = xero.connector(UK_ORG, base_currency="GBP")
    euros = dataclasses.replace(
        posting(("INV-0003", "480.00"), key=KEY, currency="EUR", rate=Decimal("0.845150")),
        amount=Decimal("500.00"), credit=Decimal("20.00"))

    with pytest.raises(Rejected) as caught:
        connector.record_payment(euros)

    assert "EUR account" in caught.value.detail
    assert "/Accounts/" in vcr.requests[0].uri and requests_made(vcr) == 1
    assert connector.invoice(INVOICE_IDS["INV-0003"]).balance == Decimal("480.00")
    assert all(request.method == "GET" for request in vcr.requests)


@pytest.mark.vcr
def test_foreign_credit_into_an_account_of_its_currency_is_an_overpayment_in_it(xero, vcr):
    connector = xero.connector(UK_ORG, base_currency="GBP")
    euros = dataclasses.replace(
        posting(("INV-0003", "480.00"), key=KEY, currency="EUR", rate=Decimal("0.845150"),
                account=EURO_BANK),
        amount=Decimal("500.00"), credit=Decimal("20.00"))

    written = connector.record_payment(euros)

    assert len(written.object_ids) == 2 and requests_made(vcr) == 3  # account, two writes
    sent = body(vcr, 2)["BankTransactions"][0]
    assert (sent["CurrencyCode"], sent["LineItems"][0]["LineAmount"]) == ("EUR", 20.0)
    assert sent["CurrencyRate"] == body(vcr, 1)["Payments"][0]["CurrencyRate"]  # the same rate
    assert answer(vcr, 2)["BankTransactions"][0]["CurrencyCode"] == "EUR"
