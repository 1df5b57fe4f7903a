"""record_payment through the real SDK, replayed from cassettes recorded against the sandbox's
seed: what is sent (exactly the fields Remit means, with its requestid), what QuickBooks does
with it, and every refusal mapped to Remit's errors."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from connectors.base import (
    InvoiceApplication,
    LedgerWrite,
    PaymentPosting,
    RateLimited,
    Rejected,
    VendorUnavailable,
)
from connectors.quickbooks import StaleObject
from tests.connectors.quickbooks.conftest import US_REALM

KEY = "rp-5b0e3f8e1c2d4a6b9f7e0d1c2b3a4f5e6d7c8b9a"  # the engine's shape: 43 characters
NEXT_KEY = "rp-0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d"  # the next attempt generation's
REFERENCE = "ch_3QbXw2LkdIwHu7ix0Z"  # 21 characters: PaymentRefNum's limit
MEMO = ("Stripe payment pi_3QbXw2LkdIwHu7ix1, charge ch_3QbXw2LkdIwHu7ix0Z, "
        "account acct_1QbXvRLkdIwHu7ix (recorded by Remit)")
AMYS_FIRST, AMYS_SECOND = "130", "131"  # seeded invoices 1001 (250.00) and 1002 (120.50)
EURO_INVOICE, EURO_RECEIVABLE = "133", "101"  # made by the first EUR invoice


def posting(**changes) -> PaymentPosting:
    """Amy's Bird Sanctuary pays invoice 1001 in full into Stripe Clearing."""
    paid = PaymentPosting(
        idempotency_key=KEY, customer_id="1", currency="USD", amount=Decimal("250.00"),
        paid_on=date(2026, 1, 20), deposit_account_id="95", receivable_account_id="84",
        applications=(InvoiceApplication(AMYS_FIRST, Decimal("250.00")),),
        reference=REFERENCE, memo=MEMO)
    return dataclasses.replace(paid, **changes)


def sent(request) -> tuple[dict, dict]:
    """(query parameters, JSON body) of a recorded request."""
    query = {name: values[0] for name, values in parse_qs(urlsplit(request.uri).query).items()}
    return query, json.loads(request.body)


def answered(cassette, position: int) -> dict:
    return json.loads(cassette.responses[position]["body"]["string"])


@pytest.mark.vcr
def test_payment_applied_to_one_invoice(qbo, vcr):
    written = qbo.connector(US_REALM).record_payment(posting())

    assert written == LedgerWrite("Payment", ("201",))
    query, body = sent(vcr.requests[0])
    assert query == {"minorversion": "75", "requestid": KEY}
    assert body == {  # exactly these: no SDK defaults, no ExchangeRate for the home currency
        "CustomerRef": {"value": "1"}, "TotalAmt": "250.00", "CurrencyRef": {"value": "USD"},
        "DepositToAccountRef": {"value": "95"}, "ARAccountRef": {"value": "84"},
        "TxnDate": "2026-01-20", "PaymentRefNum": REFERENCE, "PrivateNote": MEMO,
        "Line": [{"Amount": "250.00", "LinkedTxn": [{"TxnId": "130", "TxnType": "Invoice"}]}],
    }
    payment = answered(vcr, 0)["Payment"]
    assert (payment["TotalAmt"], payment["UnappliedAmt"], payment["TxnDate"]) == (
        250.0, 0.0, "2026-01-20")


@pytest.mark.vcr
def test_payment_applied_to_two_invoices(qbo, vcr):
    connector = qbo.connector(US_REALM, home_currency="USD")
    both = (InvoiceApplication(AMYS_FIRST, Decimal("250.00")),
            InvoiceApplication(AMYS_SECOND, Decimal("120.50")))

    written = connector.record_payment(posting(amount=Decimal("370.50"), applications=both))

    assert written == LedgerWrite("Payment", ("201",))
    assert [line["Amount"] for line in sent(vcr.requests[0])[1]["Line"]] == ["250.00", "120.50"]
    assert [(i.status, i.balance) for i in map(connector.invoice, (AMYS_FIRST, AMYS_SECOND))] == [
        ("paid", Decimal("0.00")), ("paid", Decimal("0.00"))]


@pytest.mark.vcr
def test_euro_payment_with_its_exchange_rate(qbo, vcr):
    qbo.create_invoice(US_REALM, "EUR", "80.00", expected_id=EURO_INVOICE)
    euros = posting(customer_id="58", currency="EUR", amount=Decimal("80.00"),
                    deposit_account_id="92", receivable_account_id=EURO_RECEIVABLE,
                    applications=(InvoiceApplication(EURO_INVOICE, Decimal("80.00")),),
                    exchange_rate=Decimal("1.0856"))

    qbo.connector(US_REALM).record_payment(euros)

    body = sent(vcr.requests[0])[1]
    assert (body["CurrencyRef"], body["ExchangeRate"], body["TotalAmt"]) == (
        {"value": "EUR"}, "1.0856", "80.00")
    payment = answered(vcr, 0)["Payment"]
    assert (payment["CurrencyRef"]["value"], payment["ExchangeRate"]) == ("EUR", 1.0856)


@pytest.mark.vcr
def test_the_same_request_id_twice_makes_one_payment(qbo, vcr):
    """A retry after a lost answer: QuickBooks answers with the payment it already made."""
    connector = qbo.connector(US_REALM, home_currency="USD")
    part = posting(amount=Decimal("100.00"),
                   applications=(InvoiceApplication(AMYS_FIRST, Decimal("100.00")),))

    first, again = connector.record_payment(part), connector.record_payment(part)

    assert first == again == LedgerWrite("Payment", ("201",))
    assert sent(vcr.requests[0]) == sent(vcr.requests[1])
    assert connector.invoice(AMYS_FIRST).balance == Decimal("150.00")  # paid once


@pytest.mark.vcr
def test_an_expired_token_is_refreshed_and_the_payment_resent_with_its_request_id(qbo, vcr):
    keeper = qbo.keeper(US_REALM)
    qbo.expire_access_tokens()

    written = qbo.connector(US_REALM, keeper).record_payment(posting())

    assert written == LedgerWrite("Payment", ("201",))
    statuses = [response["status"]["code"] for response in vcr.responses]
    assert statuses == [401, 200, 200] and keeper.rotations == 1
    assert sent(vcr.requests[0]) == sent(vcr.requests[2])


@pytest.mark.vcr
def test_deposit_to_an_income_account_is_rejected(qbo):
    with pytest.raises(Rejected) as caught:
        qbo.connector(US_REALM).record_payment(posting(deposit_account_id="1"))

    assert "fault 6000" in str(caught.value)
    assert caught.value.detail  # Intuit's explanation, kept for the activity page
    assert not getattr(caught.value, "transient", False)


@pytest.mark.vcr
def test_receivable_account_in_another_currency_is_rejected(qbo):
    qbo.create_invoice(US_REALM, "EUR", "80.00", expected_id=EURO_INVOICE)
    euros = posting(customer_id="58", currency="EUR", amount=Decimal("80.00"),
                    deposit_account_id="92", receivable_account_id="84",
                    applications=(InvoiceApplication(EURO_INVOICE, Decimal("80.00")),),
                    exchange_rate=Decimal("1.0856"))

    with pytest.raises(Rejected) as caught:
        qbo.connector(US_REALM).record_payment(euros)

    assert "same currency as the A/R and A/P accounts" in caught.value.detail


@pytest.mark.vcr
def test_more_than_the_balance_due_is_rejected(qbo):
    over = posting(amount=Decimal("300.00"),
                   applications=(InvoiceApplication(AMYS_FIRST, Decimal("300.00")),))

    with pytest.raises(Rejected) as caught:
        qbo.connector(US_REALM).record_payment(over)

    assert "fault 6000" in str(caught.value) and caught.value.detail


@pytest.mark.vcr
def test_a_partial_overpayment_applies_the_balance_and_keeps_the_rest_as_credit(qbo, vcr):
    """Balance 100, paid 150: one Payment of 150, its line applies 100, 50 is UnappliedAmt."""
    connector = qbo.connector(US_REALM, home_currency="USD")
    connector.record_payment(posting(
        idempotency_key=KEY[:-1] + "0", amount=Decimal("150.00"),
        applications=(InvoiceApplication(AMYS_FIRST, Decimal("150.00")),)))
    over = posting(amount=Decimal("150.00"), credit=Decimal("50.00"),
                   applications=(InvoiceApplication(AMYS_FIRST, Decimal("100.00")),))

    written = connector.record_payment(over)

    assert written == LedgerWrite("Payment", ("202",))
    _, body = sent(vcr.requests[1])
    assert body["TotalAmt"] == "150.00" and [line["Amount"] for line in body["Line"]] == [
        "100.00"]
    payment = answered(vcr, 1)["Payment"]
    assert (payment["TotalAmt"], payment["UnappliedAmt"]) == (150.0, 50.0)
    invoice = connector.invoice(AMYS_FIRST)
    assert (invoice.balance, invoice.status) == (Decimal("0.00"), "paid")


@pytest.mark.vcr
def test_a_payment_for_a_paid_invoice_is_all_customer_credit(qbo, vcr):
    qbo.receive_payment(US_REALM, AMYS_FIRST)  # paid by other means before Remit posts
    credit = posting(applications=(), credit=Decimal("250.00"))

    written = qbo.connector(US_REALM, home_currency="USD").record_payment(credit)

    assert written == LedgerWrite("Payment", ("202",))
    _, body = sent(vcr.requests[0])
    assert body["TotalAmt"] == "250.00" and body["Line"] == []
    payment = answered(vcr, 0)["Payment"]
    assert (payment["TotalAmt"], payment["UnappliedAmt"]) == (250.0, 250.0)


@pytest.mark.vcr
def test_stale_object_is_transient_kept_for_its_requestid_and_a_new_key_clears_it(qbo, vcr):
    """Intuit answers a repeated requestid with its original response (reference §2.9), the
    stale object included: the retry that posts is the next attempt generation's key."""
    connector = qbo.connector(US_REALM)
    qbo.force_next("5010")

    with pytest.raises(StaleObject) as caught:
        connector.record_payment(posting())
    with pytest.raises(StaleObject) as replayed:
        connector.record_payment(posting())
    retried = connector.record_payment(posting(idempotency_key=NEXT_KEY))

    assert isinstance(caught.value, Rejected) and caught.value.transient is True
    assert caught.value.code == replayed.value.code == "5010"
    assert sent(vcr.requests[0]) == sent(vcr.requests[1])  # the same request, twice
    assert retried == LedgerWrite("Payment", ("201",))
    assert sent(vcr.requests[2])[0]["requestid"] == NEXT_KEY


@pytest.mark.vcr
def test_throttled_payment_is_rate_limited(qbo):
    qbo.force_next("429")

    with pytest.raises(RateLimited) as caught:
        qbo.connector(US_REALM).record_payment(posting())

    assert caught.value.retry_after == 60


@pytest.mark.vcr
def test_outage_while_recording_is_vendor_unavailable(qbo):
    qbo.force_next("503")

    with pytest.raises(VendorUnavailable):
        qbo.connector(US_REALM).record_payment(posting())
