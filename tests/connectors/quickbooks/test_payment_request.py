"""What record_payment sends and refuses, and how invoices are read, as pure functions (the
cassettes in test_payments.py and test_reads.py prove the same over HTTP)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from quickbooks.objects.payment import Payment

from connectors.base import InvoiceApplication, PaymentPosting
from connectors.quickbooks import transformers
from connectors.quickbooks.client import sdk_payment
from tests.connectors.quickbooks.conftest import US_REALM

POSTING = PaymentPosting(
    idempotency_key="rp-" + "0" * 40, customer_id="58", currency="EUR",
    amount=Decimal("80.00"), paid_on=date(2026, 1, 20), deposit_account_id="92",
    receivable_account_id="101",
    applications=(InvoiceApplication("133", Decimal("30.00")),
                  InvoiceApplication("134", Decimal("50.00"))),
    reference="ch_1", memo="Stripe payment pi_1", exchange_rate=Decimal("1.0856"))


def test_the_request_holds_exactly_the_posting():
    assert transformers.payment_request(POSTING) == {
        "CustomerRef": {"value": "58"}, "TotalAmt": Decimal("80.00"),
        "CurrencyRef": {"value": "EUR"}, "ExchangeRate": Decimal("1.0856"),
        "DepositToAccountRef": {"value": "92"}, "ARAccountRef": {"value": "101"},
        "TxnDate": "2026-01-20", "PaymentRefNum": "ch_1", "PrivateNote": "Stripe payment pi_1",
        "Line": [
            {"Amount": Decimal("30.00"), "LinkedTxn": [{"TxnId": "133", "TxnType": "Invoice"}]},
            {"Amount": Decimal("50.00"), "LinkedTxn": [{"TxnId": "134", "TxnType": "Invoice"}]},
        ],
    }


def test_what_is_not_given_is_not_sent():
    """No forced ExchangeRate of 1, no empty texts, the default A/R when none is chosen."""
    home = dataclasses.replace(POSTING, currency="USD", exchange_rate=None, reference="",
                               memo="", receivable_account_id=None)

    assert set(transformers.payment_request(home)) == {
        "CustomerRef", "TotalAmt", "CurrencyRef", "DepositToAccountRef", "TxnDate", "Line"}


def test_amounts_are_sent_without_exponents():
    whole = dataclasses.replace(POSTING, amount=Decimal("1E+2"), applications=(
        InvoiceApplication("133", Decimal("1E+2")),))

    assert str(transformers.payment_request(whole)["TotalAmt"]) == "100"


def test_a_declared_credit_is_paid_in_total_but_applied_only_up_to_the_lines():
    """Customer credit (UnappliedAmt) is TotalAmt minus the lines: QuickBooks derives it."""
    over = dataclasses.replace(POSTING, amount=Decimal("95.00"), credit=Decimal("15.00"))

    request = transformers.payment_request(over)

    assert request["TotalAmt"] == Decimal("95.00")
    assert [line["Amount"] for line in request["Line"]] == [Decimal("30.00"), Decimal("50.00")]
    assert "UnappliedAmt" not in request  # read-only at Intuit


def test_a_payment_that_is_all_credit_has_no_lines():
    credit = dataclasses.replace(POSTING, applications=(), credit=Decimal("80.00"))

    request = transformers.payment_request(credit)

    assert (request["TotalAmt"], request["Line"]) == (Decimal("80.00"), [])


def test_the_sdk_payment_serialises_to_the_fields_and_nothing_else():
    fields = transformers.payment_request(POSTING)

    sent = json.loads(sdk_payment(fields).to_json())

    assert sent == json.loads(json.dumps(fields, default=str))
    assert sent["TotalAmt"] == "80.00" and sent["ExchangeRate"] == "1.0856"  # Decimal-exact


def test_without_the_cleanup_the_sdk_would_send_its_defaults():
    """The trap sdk_payment exists for (reference §5.6): if this ever stops failing, the SDK
    changed and the cleanup can go."""
    careless = json.loads(Payment.from_json(transformers.payment_request(POSTING)).to_json())

    assert (careless["SyncToken"], careless["sparse"], careless["domain"]) == (0, False, "QBO")
    assert careless["CustomerRef"] == {"value": "58", "name": "", "type": ""}
    assert careless["Line"][0]["LinkedTxn"][0]["TxnLineId"] == 0


@pytest.mark.parametrize(("changes", "words"), [
    ({"idempotency_key": "k" * 51}, "1 to 50 characters"),
    ({"idempotency_key": ""}, "1 to 50 characters"),
    ({"reference": "x" * 22}, "reference is 22 characters"),
    ({"memo": "x" * 4001}, "memo is 4001 characters"),
    ({"applications": (), "amount": Decimal("0")}, "apply a positive amount to an invoice"),
    ({"applications": (InvoiceApplication("133", Decimal("0")),)}, "must be positive"),
    ({"amount": Decimal("79.99")}, "applications plus the declared credit"),
    ({"amount": Decimal("90.00")}, "applications plus the declared credit"),  # undeclared
    ({"amount": Decimal("90.00"), "credit": Decimal("9.99")}, "plus the declared credit"),
    ({"credit": Decimal("-1.00"), "amount": Decimal("79.00")}, "credit not negative"),
    ({"exchange_rate": Decimal("0")}, "exchange rate must be positive"),
])
def test_postings_quickbooks_must_not_receive_are_refused(changes, words):
    with pytest.raises(ValueError, match=words):
        transformers.payment_request(dataclasses.replace(POSTING, **changes))


def test_a_refused_posting_makes_no_call(qbo):
    connector = qbo.connector(US_REALM)  # no cassette: any HTTP call would fail the test

    with pytest.raises(ValueError, match="requestid"):
        connector.record_payment(dataclasses.replace(POSTING, idempotency_key="k" * 51))


def sdk_invoice(**fields) -> SimpleNamespace:
    defaults = {"Id": "130", "DocNumber": "1001", "TotalAmt": Decimal("250.0"),
                "Balance": Decimal("250.0"), "ExchangeRate": 1, "PrivateNote": "",
                "CurrencyRef": SimpleNamespace(value="USD"),
                "CustomerRef": SimpleNamespace(value="1", name="Amy's Bird Sanctuary")}
    return SimpleNamespace(**{**defaults, **fields})


@pytest.mark.parametrize(("fields", "status"), [
    ({}, "open"),
    ({"Balance": Decimal("0")}, "paid"),
    ({"TotalAmt": 0, "Balance": 0, "PrivateNote": "Voided"}, "void"),
    ({"status": "Voided"}, "void"),
    ({"Balance": Decimal("0"), "PrivateNote": "Voided by the customer's request"}, "paid"),
])
def test_invoice_status(fields, status):
    assert transformers.invoice(sdk_invoice(**fields), "USD").status == status


def test_invoice_amounts_get_their_cents_back_and_foreign_ones_their_rate():
    foreign = transformers.invoice(sdk_invoice(
        TotalAmt=80, Balance=Decimal("12.5"), ExchangeRate=Decimal("1.0856"),
        CurrencyRef=SimpleNamespace(value="EUR")), "USD")
    home = transformers.invoice(sdk_invoice(), "USD")

    assert (str(foreign.total), str(foreign.balance)) == ("80.00", "12.50")
    assert (foreign.exchange_rate, home.exchange_rate) == (Decimal("1.0856"), None)
    assert transformers.amount(Decimal("0.125")) == Decimal("0.125")  # never rounded away
