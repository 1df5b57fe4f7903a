"""XeroConnector.record_refund(): an AUTHORISED ACCRECCREDIT credit note on the invoice's
account code (key `<key>-cn`), then a Payment paying it out of clearing (ARCREDITPAYMENT, key
`<key>-pay`); a retry after the first write replays it and goes on. Also: a foreign payment
at Stripe's rate, not the invoice's, books Xero's realised currency gain. Replayed from
cassettes recorded against the sandbox (../README.md)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from connectors.base import RefundPosting, Rejected, VendorUnavailable
from sandbox.xero_books import GAINS_SYSTEM_ACCOUNT
from sandbox.xero_seed import INVOICE_IDS
from tests.connectors.xero.conftest import UK_ORG, answer, body, requests_made
from tests.connectors.xero.test_journals import CLEARING
from tests.connectors.xero.test_payments import posting

ROTTERDAM_FIETSEN = "429965e5-2785-5fd8-a09c-b6c3e790757b"
SALES = "cbd6edc3-b5a6-5e40-9301-4edff8af2563"
KEY = "remit-1-refund-re_3PxA"


def gains_account_id() -> str:
    """The stand-in derives it from the organisation, as the seed does its ids."""
    return str(uuid.uuid5(uuid.UUID(UK_ORG), GAINS_SYSTEM_ACCOUNT))


def refund(amount: str = "100.00", rate: Decimal | None = Decimal("0.86"),
           income_ref: str | None = "200") -> RefundPosting:
    """Part of Rotterdam Fietsen's EUR payment refunded out of the pound clearing account, at
    the refund's own rate (home units per euro)."""
    return RefundPosting(
        idempotency_key=KEY, customer_id=ROTTERDAM_FIETSEN, currency="EUR",
        amount=Decimal(amount), refunded_on=date(2026, 3, 12), from_account_id=CLEARING,
        invoice_id=INVOICE_IDS["INV-0003"], income_ref=income_ref, reference="re_3PxA",
        memo="Stripe refund re_3PxA of pi_3PxA", exchange_rate=rate)


@pytest.mark.vcr
def test_a_euro_refund_is_a_credit_note_paid_out_of_clearing_at_its_rate(xero, vcr):
    connector = xero.connector(UK_ORG, base_currency="GBP")

    written = connector.record_refund(refund())

    assert requests_made(vcr) == 2
    assert vcr.requests[0].uri.endswith("/CreditNotes?summarizeErrors=True")
    assert vcr.requests[0].headers["Idempotency-Key"] == KEY + "-cn"
    assert vcr.requests[1].headers["Idempotency-Key"] == KEY + "-pay"
    note = body(vcr, 0)["CreditNotes"][0]
    assert (note["Type"], note["Status"], note["Contact"]["ContactID"], note["CurrencyCode"],
            note["CurrencyRate"]) == ("ACCRECCREDIT", "AUTHORISED", ROTTERDAM_FIETSEN, "EUR",
                                      1.162791)
    assert [(line["AccountCode"], line["LineAmount"]) for line in note["LineItems"]] == [
        ("200", 100.0)]
    created = answer(vcr, 0)["CreditNotes"][0]
    paid = body(vcr, 1)["Payments"][0]
    assert (paid["CreditNote"]["CreditNoteID"], paid["Account"]["AccountID"], paid["Amount"],
            paid["CurrencyRate"]) == (created["CreditNoteID"], CLEARING, 100.0, 1.162791)
    payment = answer(vcr, 1)["Payments"][0]
    assert (payment["PaymentType"], payment["CreditNote"]["Status"],
            payment["CreditNote"]["RemainingCredit"]) == ("ARCREDITPAYMENT", "PAID", 0)
    assert written.object_type == "CreditNote"
    assert written.object_ids == (created["CreditNoteID"], payment["PaymentID"])
    # 100 EUR left clearing at 1.162791 EUR per pound; the credit note reduced sales alike
    assert connector.account_balance(CLEARING) == Decimal("-86.00")
    assert connector.account_balance(SALES) == Decimal("-1456.76")  # 1542.76 invoiced less 86.00


@pytest.mark.vcr
def test_a_retry_after_the_credit_note_replays_it_and_pays_it_once(xero, vcr):
    """Xero was unavailable for the payment: the retry under the same key gets the same credit
    note back (no second one) and makes the payment; a third send replays both."""
    connector = xero.connector(UK_ORG, base_currency="GBP")
    xero.force_next("503", after=1)

    with pytest.raises(VendorUnavailable):
        connector.record_refund(refund())
    retried = connector.record_refund(refund())
    again = connector.record_refund(refund())

    assert retried == again
    first_note = answer(vcr, 0)["CreditNotes"][0]["CreditNoteID"]
    assert retried.object_ids[0] == first_note
    assert answer(vcr, 2)["CreditNotes"][0]["CreditNoteID"] == first_note
    assert requests_made(vcr) == 6  # 2 (the second failed) + 2 + 2 writes
    assert connector.account_balance(SALES) == Decimal("-1456.76")  # one credit note


def test_a_refund_without_the_invoice_account_code_is_refused_before_any_call(xero):
    with pytest.raises(Rejected):
        xero.connector(UK_ORG, base_currency="GBP").record_refund(refund(income_ref=None))


@pytest.mark.vcr
def test_a_foreign_payment_at_stripes_rate_books_the_realised_gain(xero, vcr):
    """INV-0003 (480.00 EUR at 1.183221 EUR per pound: 405.67 GBP receivable) paid at Stripe's
    0.86 GBP per EUR into the pound clearing: 412.80 GBP received, 7.13 realised gain."""
    connector = xero.connector(UK_ORG, base_currency="GBP")

    connector.record_payment(posting(("INV-0003", "480.00"), account=CLEARING, currency="EUR",
                                     rate=Decimal("0.86")))

    assert body(vcr, 0)["Payments"][0]["CurrencyRate"] == 1.162791  # not the invoice's
    assert connector.invoice(INVOICE_IDS["INV-0003"]).status == "paid"
    assert connector.account_balance(CLEARING) == Decimal("412.80")
    assert connector.account_balance(gains_account_id()) == Decimal("-7.13")  # a credit: gain
