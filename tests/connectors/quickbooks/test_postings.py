"""record_journal, record_payout and record_refund through the real SDK, replayed from cassettes
recorded against the sandbox's seed: the exact bodies sent under the posting's requestid, what
QuickBooks makes of them (balances read back), and refusals mapped to Remit's errors."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from connectors.base import (
    InvoiceApplication,
    JournalLine,
    JournalPosting,
    LedgerWrite,
    PaymentPosting,
    PayoutItem,
    PayoutPosting,
    RefundPosting,
    Rejected,
)
from connectors.quickbooks.postings import journal_request
from tests.connectors.quickbooks.conftest import US_REALM

FEE_KEY = "fee-7c1e2d3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d"
PAYOUT_KEY = "po-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"
REFUND_KEY = "re-9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e"
CLEARING, CHECKING, BANK_CHARGES, EURO_BANK = "95", "35", "8", "92"
SERVICES_ITEM = "1"


def paid(key: str, invoice_id: str, amount: str, **changes) -> PaymentPosting:
    """Amy's Bird Sanctuary pays a seeded USD invoice into Stripe Clearing."""
    posting = PaymentPosting(
        idempotency_key=key, customer_id="1", currency="USD", amount=Decimal(amount),
        paid_on=date(2026, 1, 20), deposit_account_id=CLEARING, receivable_account_id="84",
        applications=(InvoiceApplication(invoice_id, Decimal(amount)),),
        reference="ch_1", memo="Stripe pi_1")
    return dataclasses.replace(posting, **changes)


def fee(amount: str, key: str = FEE_KEY, **changes) -> JournalPosting:
    """Stripe's fee on a charge: Bank Charges debited, Stripe Clearing credited."""
    posting = JournalPosting(
        idempotency_key=key, currency="USD", posted_on=date(2026, 1, 20),
        lines=(JournalLine(BANK_CHARGES, Decimal(amount), "Stripe fee on ch_1"),
               JournalLine(CLEARING, -Decimal(amount), "Stripe fee on ch_1")),
        reference="txn_1QbXw2LkdIwHu7ix0", memo="Stripe fee, balance transaction "
        "txn_1QbXw2LkdIwHu7ix0 of charge ch_1")
    return dataclasses.replace(posting, **changes)


def payout(*items: tuple[str, str], **changes) -> PayoutPosting:
    lines = tuple(PayoutItem(text, Decimal(amount)) for text, amount in items)
    fields = {"idempotency_key": PAYOUT_KEY, "currency": "USD",
              "arrival_date": date(2026, 1, 22),
              "amount": sum((item.amount for item in lines), Decimal(0)),
              "bank_account_id": CHECKING, "clearing_account_id": CLEARING, "items": lines,
              "reference": "po_1QbZ9aLkdIwHu7ix", "memo": "Stripe payout po_1QbZ9aLkdIwHu7ix"}
    return PayoutPosting(**{**fields, **changes})


def sent(request) -> tuple[dict, dict]:
    query = {name: values[0] for name, values in parse_qs(urlsplit(request.uri).query).items()}
    return query, json.loads(request.body)


def creates(vcr) -> list[str]:
    """The entity of every create POSTed, in order."""
    return [urlsplit(r.uri).path.rsplit("/", 1)[1] for r in vcr.requests
            if r.method == "POST" and not r.uri.split("?")[0].endswith("/query")]


# -- journals ----------------------------------------------------------------------------------
@pytest.mark.vcr
def test_a_fee_is_a_journal_entry_out_of_clearing(qbo, vcr):
    connector = qbo.connector(US_REALM)

    written = connector.record_journal(fee("3.20"))

    assert written == LedgerWrite("JournalEntry", ("301",))
    query, body = sent(vcr.requests[0])
    assert query == {"minorversion": "75", "requestid": FEE_KEY}
    assert body == {  # exactly these: no SDK defaults (ExchangeRate 1, Adjustment, TotalAmt)
        "TxnDate": "2026-01-20", "CurrencyRef": {"value": "USD"},
        "DocNumber": "txn_1QbXw2LkdIwHu7ix0",
        "PrivateNote": "Stripe fee, balance transaction txn_1QbXw2LkdIwHu7ix0 of charge ch_1",
        "Line": [{"Description": "Stripe fee on ch_1", "Amount": "3.20",
                  "DetailType": "JournalEntryLineDetail",
                  "JournalEntryLineDetail": {"PostingType": "Debit",
                                             "AccountRef": {"value": BANK_CHARGES}}},
                 {"Description": "Stripe fee on ch_1", "Amount": "3.20",
                  "DetailType": "JournalEntryLineDetail",
                  "JournalEntryLineDetail": {"PostingType": "Credit",
                                             "AccountRef": {"value": CLEARING}}}]}
    assert connector.account_balance(CLEARING) == Decimal("-3.20")
    assert connector.account_balance(BANK_CHARGES) == Decimal("3.20")


@pytest.mark.vcr
def test_the_same_request_id_twice_makes_one_journal(qbo, vcr):
    connector = qbo.connector(US_REALM)

    first, again = connector.record_journal(fee("3.20")), connector.record_journal(fee("3.20"))

    assert first == again == LedgerWrite("JournalEntry", ("301",))
    assert sent(vcr.requests[0]) == sent(vcr.requests[1])
    assert connector.account_balance(BANK_CHARGES) == Decimal("3.20")  # booked once


def test_an_unbalanced_journal_is_refused_before_any_call(qbo):
    """JournalPosting refuses one at construction; a posting changed afterwards is refused by
    the connector before QuickBooks is asked (no cassette: the network is blocked)."""
    posting = fee("3.20")
    object.__setattr__(posting, "lines", (*posting.lines[:1],
                                          JournalLine(CLEARING, Decimal("-3.00"), "short")))

    with pytest.raises(ValueError, match="sum to zero"):
        qbo.connector(US_REALM).record_journal(posting)
    with pytest.raises(ValueError, match="sum to zero"):
        journal_request(posting)


@pytest.mark.vcr
def test_a_journal_on_an_account_of_another_currency_is_rejected(qbo):
    """The euro bank cannot take a dollar journal: QuickBooks' business validation (6000)."""
    posting = fee("3.20", lines=(JournalLine(BANK_CHARGES, Decimal("3.20"), "fee"),
                                 JournalLine(EURO_BANK, Decimal("-3.20"), "fee")))

    with pytest.raises(Rejected) as caught:
        qbo.connector(US_REALM).record_journal(posting)

    assert caught.value.code == "6000" and caught.value.detail


# -- payouts ---------------------------------------------------------------------------------
@pytest.mark.vcr
def test_a_payout_is_one_deposit_listing_its_items_and_clearing_nets_to_zero(qbo, vcr):
    connector = qbo.connector(US_REALM, home_currency="USD")
    connector.record_payment(paid("rp-1", "130", "250.00"))
    connector.record_payment(paid("rp-2", "131", "120.50", reference="ch_2"))
    connector.record_journal(fee("7.55", key="fee-1"))
    connector.record_journal(fee("3.79", key="fee-2"))
    posting = payout(("ch_1 250.00 - fee 7.55", "242.45"), ("ch_2 120.50 - fee 3.79", "116.71"))

    written = connector.record_payout(posting)

    assert written == LedgerWrite("Deposit", ("401",))
    deposit = vcr.requests[4]
    query, body = sent(deposit)
    assert query == {"minorversion": "75", "requestid": PAYOUT_KEY}
    assert body == {
        "DepositToAccountRef": {"value": CHECKING}, "TxnDate": "2026-01-22",
        "CurrencyRef": {"value": "USD"}, "PrivateNote": "Stripe payout po_1QbZ9aLkdIwHu7ix",
        "Line": [{"Description": "ch_1 250.00 - fee 7.55", "Amount": "242.45",
                  "DetailType": "DepositLineDetail",
                  "DepositLineDetail": {"AccountRef": {"value": CLEARING}}},
                 {"Description": "ch_2 120.50 - fee 3.79", "Amount": "116.71",
                  "DetailType": "DepositLineDetail",
                  "DepositLineDetail": {"AccountRef": {"value": CLEARING}}}]}
    answered = json.loads(vcr.responses[4]["body"]["string"])["Deposit"]
    assert (answered["TotalAmt"], answered["TxnDate"]) == (359.16, "2026-01-22")
    assert connector.account_balance(CLEARING) == Decimal("0.00")
    assert connector.account_balance(CHECKING) == Decimal("12859.16")


@pytest.mark.vcr
def test_a_failed_payout_goes_back_from_the_bank_to_clearing_as_a_transfer(qbo, vcr):
    connector = qbo.connector(US_REALM)
    connector.record_payment(paid("rp-1", "130", "250.00"))
    connector.record_payout(payout(("ch_1 250.00", "250.00")))

    written = connector.record_payout(payout(idempotency_key="po-failed-1",
                                             amount=Decimal("250.00"), reverse=True,
                                             memo="Stripe payout po_1QbZ9aLkdIwHu7ix failed"))

    assert written == LedgerWrite("Transfer", ("501",))
    assert creates(vcr) == ["payment", "deposit", "transfer"]
    query, body = sent(vcr.requests[2])
    assert query == {"minorversion": "75", "requestid": "po-failed-1"}
    assert body == {"FromAccountRef": {"value": CHECKING}, "ToAccountRef": {"value": CLEARING},
                    "Amount": "250.00", "TxnDate": "2026-01-22",
                    "CurrencyRef": {"value": "USD"},
                    "PrivateNote": "Stripe payout po_1QbZ9aLkdIwHu7ix failed"}
    assert connector.account_balance(CLEARING) == Decimal("250.00")


# -- refunds ---------------------------------------------------------------------------------
@pytest.mark.vcr
def test_a_euro_refund_is_a_refund_receipt_at_its_own_rate(qbo, vcr):
    qbo.create_invoice(US_REALM, "EUR", "80.00", expected_id="133")
    connector = qbo.connector(US_REALM, home_currency="USD")
    invoice = connector.invoice("133")
    connector.record_payment(paid(
        "rp-eur", "133", "80.00", customer_id="58", currency="EUR",
        deposit_account_id=EURO_BANK, receivable_account_id="101",
        exchange_rate=Decimal("1.0856")))
    refund = RefundPosting(
        idempotency_key=REFUND_KEY, customer_id="58", currency="EUR",
        amount=Decimal("30.00"), refunded_on=date(2026, 1, 25), from_account_id=EURO_BANK,
        invoice_id="133", income_ref=invoice.income_ref, reference="re_3QbYk1LkdIwHu7ix0A",
        memo="Stripe refund re_3QbYk1LkdIwHu7ix0A of ch_1", exchange_rate=Decimal("1.0912"))

    written = connector.record_refund(refund)

    assert invoice.income_ref == SERVICES_ITEM
    assert written == LedgerWrite("RefundReceipt", ("601",))
    query, body = sent(vcr.requests[2])  # after the invoice read and the payment
    assert query == {"minorversion": "75", "requestid": REFUND_KEY}
    assert body == {
        "CustomerRef": {"value": "58"}, "TxnDate": "2026-01-25", "CurrencyRef": {"value": "EUR"},
        "ExchangeRate": "1.0912", "DepositToAccountRef": {"value": EURO_BANK},
        "PaymentRefNum": "re_3QbYk1LkdIwHu7ix0A",
        "PrivateNote": "Stripe refund re_3QbYk1LkdIwHu7ix0A of ch_1",
        "Line": [{"Description": "Refund re_3QbYk1LkdIwHu7ix0A", "Amount": "30.00",
                  "DetailType": "SalesItemLineDetail",
                  "SalesItemLineDetail": {"ItemRef": {"value": SERVICES_ITEM}}}]}
    answered = json.loads(vcr.responses[2]["body"]["string"])["RefundReceipt"]
    assert (answered["TotalAmt"], answered["HomeTotalAmt"], answered["ExchangeRate"]) == (
        30.0, 32.74, 1.0912)
    assert connector.account_balance(EURO_BANK) == Decimal("3150.00")  # 3100 + 80 - 30


@pytest.mark.vcr
def test_a_yen_refund_out_of_the_home_currency_clearing_account(qbo, vcr):
    """Yen have no decimals: the amounts go as whole numbers; the dollar clearing account
    moves by the converted amount, rounded to the cent."""
    qbo.create_invoice(US_REALM, "JPY", "5000", expected_id="133")
    connector = qbo.connector(US_REALM, home_currency="USD")
    connector.record_payment(paid(
        "rp-jpy", "133", "5000", customer_id="60", currency="JPY",
        receivable_account_id="101", exchange_rate=Decimal("0.006698")))
    refund = RefundPosting(
        idempotency_key=REFUND_KEY, customer_id="60", currency="JPY", amount=Decimal("2000"),
        refunded_on=date(2026, 1, 25), from_account_id=CLEARING, invoice_id="133",
        income_ref=SERVICES_ITEM, reference="re_3QbYk1LkdIwHu7ix0B", memo="Stripe refund",
        exchange_rate=Decimal("0.006705"))

    written = connector.record_refund(refund)

    assert written == LedgerWrite("RefundReceipt", ("601",))
    body = sent(vcr.requests[1])[1]
    assert (body["Line"][0]["Amount"], body["ExchangeRate"]) == ("2000", "0.006705")
    # 5000 x 0.006698 = 33.49 in, 2000 x 0.006705 = 13.41 out
    assert connector.account_balance(CLEARING) == Decimal("20.08")


@pytest.mark.vcr
def test_a_refund_for_an_unknown_item_is_rejected(qbo):
    refund = RefundPosting(
        idempotency_key=REFUND_KEY, customer_id="1", currency="USD", amount=Decimal("10.00"),
        refunded_on=date(2026, 1, 25), from_account_id=CLEARING, invoice_id="130",
        income_ref="999", reference="re_1", memo="Stripe refund")

    with pytest.raises(Rejected) as caught:
        qbo.connector(US_REALM).record_refund(refund)

    assert caught.value.code == "2500"
