"""XeroConnector.record_journal(): a gateway fee or a dispute step as a POSTED ManualJournal (in
the base currency), or as a SPEND/RECEIVE bank transaction when exactly one line is on a BANK
account; one accounts read, one write under the posting's Idempotency-Key. Replayed from
cassettes recorded against the sandbox (../README.md)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from connectors.base import JournalLine, JournalPosting, LedgerWrite, Rejected
from tests.connectors.xero.conftest import UK_ORG, answer, body, requests_made

BANK = "7e73c1fc-a9dc-5239-a838-79293917101e"  # Business Bank Account, GBP
EURO_BANK = "9f01acb9-46e4-5b8e-bcfc-a2264f60de60"
CLEARING = "b4620d84-ab5f-5ca4-b72d-991005e726d9"  # Stripe Clearing: CURRENT, GBP
FEES = "18f56e04-f5a7-586b-b8f3-486126d9fd57"  # Bank Fees (404), EXPENSE
RECEIVABLE = "03610530-de0d-5499-8325-d43669e69dde"  # the DEBTORS system account
KEY = "remit-1-fee-txn_3PxAbc"


def fee(amount: str = "7.55", clearing: str = CLEARING, currency: str = "GBP",
        rate: Decimal | None = None, key: str = KEY) -> JournalPosting:
    """Stripe's fee on a charge: fees debited, clearing credited."""
    return JournalPosting(
        idempotency_key=key, currency=currency, posted_on=date(2026, 3, 9),
        lines=(JournalLine(FEES, Decimal(amount), "Stripe fee on ch_3PxAbc"),
               JournalLine(clearing, -Decimal(amount), "Stripe fee on ch_3PxAbc")),
        reference="txn_3PxAbc", memo="Stripe fee: balance transaction txn_3PxAbc",
        exchange_rate=rate)


@pytest.mark.vcr
def test_a_fee_is_a_posted_manual_journal_from_clearing_to_fees(xero, vcr):
    connector = xero.connector(UK_ORG, base_currency="GBP")

    written = connector.record_journal(fee())

    assert requests_made(vcr) == 2  # the chart (account types), then the journal
    assert vcr.requests[0].uri.endswith("/Accounts")
    assert vcr.requests[1].uri.endswith("/ManualJournals?summarizeErrors=True")
    assert vcr.requests[1].headers["Idempotency-Key"] == KEY
    sent = body(vcr, 1)["ManualJournals"][0]
    assert (sent["Narration"], sent["Status"], sent["LineAmountTypes"]) == (
        "Stripe fee: balance transaction txn_3PxAbc", "POSTED", "NoTax")
    assert [(line["AccountID"], line["LineAmount"]) for line in sent["JournalLines"]] == [
        (FEES, 7.55), (CLEARING, -7.55)]
    created = answer(vcr, 1)["ManualJournals"][0]
    assert written == LedgerWrite("ManualJournal", (created["ManualJournalID"],))
    assert connector.account_balance(FEES) == Decimal("7.55")
    assert connector.account_balance(CLEARING) == Decimal("-7.55")


@pytest.mark.vcr
def test_the_same_key_twice_records_one_journal(xero, vcr):
    connector = xero.connector(UK_ORG, base_currency="GBP")

    first = connector.record_journal(fee())
    again = connector.record_journal(fee())

    assert first == again
    assert connector.account_balance(FEES) == Decimal("7.55")  # booked once
    assert requests_made(vcr) == 5


@pytest.mark.vcr
def test_a_fee_on_a_bank_clearing_account_is_a_spend_bank_transaction(xero, vcr):
    """The EUR clearing is a BANK account: Xero reconciles only bank transactions on it, so
    the fee is a SPEND on it, in EUR, with the fee line coded to Bank Fees."""
    connector = xero.connector(UK_ORG, base_currency="GBP")

    written = connector.record_journal(fee("2.40", clearing=EURO_BANK, currency="EUR",
                                           rate=Decimal("0.845")))

    sent = body(vcr, 1)["BankTransactions"][0]
    assert vcr.requests[1].uri.endswith("/BankTransactions?summarizeErrors=True")
    assert (sent["Type"], sent["BankAccount"]["AccountID"], sent["CurrencyCode"],
            sent["Contact"]["Name"]) == ("SPEND", EURO_BANK, "EUR", "Stripe")
    assert sent["CurrencyRate"] == pytest.approx(1.183432)  # Xero's way round, 6 places
    assert [(line["AccountID"], line["LineAmount"]) for line in sent["LineItems"]] == [
        (FEES, 2.4)]
    created = answer(vcr, 1)["BankTransactions"][0]
    assert written == LedgerWrite("BankTransaction", (created["BankTransactionID"],))
    assert (created["Total"], created["Status"]) == (2.4, "AUTHORISED")


@pytest.mark.vcr
def test_a_foreign_journal_is_converted_to_the_base_currency_and_still_balances(xero, vcr):
    """A dispute in USD (no BANK line): Xero's manual journals are in GBP, so each line is
    converted at the rate and the rounding goes on the largest line."""
    connector = xero.connector(UK_ORG, base_currency="GBP")
    dispute = JournalPosting(
        idempotency_key="remit-1-dispute-txn_9", currency="USD", posted_on=date(2026, 3, 12),
        lines=(JournalLine(FEES, Decimal("33.33"), "Dispute dp_1 amount"),
               JournalLine(FEES, Decimal("33.34"), "Dispute dp_1 fee"),
               JournalLine(CLEARING, Decimal("-66.67"), "Dispute dp_1 withdrawn")),
        reference="txn_9", memo="Stripe dispute dp_1: funds withdrawn",
        exchange_rate=Decimal("0.786505"))

    connector.record_journal(dispute)

    lines = body(vcr, 1)["ManualJournals"][0]["JournalLines"]
    amounts = [Decimal(str(line["LineAmount"])) for line in lines]
    assert sum(amounts) == 0
    # 26.21 + 26.22 - 52.44 would leave a cent: the largest line takes it
    assert amounts == [Decimal("26.21"), Decimal("26.22"), Decimal("-52.43")]
    assert "(33.33 USD)" in lines[0]["Description"]


@pytest.mark.vcr
def test_a_journal_on_the_receivable_control_account_is_refused(xero, vcr):
    """Xero takes no manual journal line on AR (a system account): a ValidationException,
    nothing recorded."""
    connector = xero.connector(UK_ORG, base_currency="GBP")
    wrong = JournalPosting(
        idempotency_key="remit-1-fee-txn_bad", currency="GBP", posted_on=date(2026, 3, 9),
        lines=(JournalLine(FEES, Decimal("1.00"), "fee"),
               JournalLine(RECEIVABLE, Decimal("-1.00"), "fee")),
        reference="txn_bad", memo="wrong account")

    with pytest.raises(Rejected) as caught:
        connector.record_journal(wrong)

    assert caught.value.code == "ValidationException" and caught.value.detail
    assert connector.account_balance(FEES) == Decimal("0.00")


def test_an_unbalanced_journal_cannot_even_be_posted():
    with pytest.raises(ValueError):
        JournalPosting(idempotency_key=KEY, currency="GBP", posted_on=date(2026, 3, 9),
                       lines=(JournalLine(FEES, Decimal("1.00"), "fee"),
                              JournalLine(CLEARING, Decimal("-0.99"), "fee")),
                       reference="txn", memo="")


@pytest.mark.vcr
def test_a_foreign_journal_without_its_rate_is_refused_before_any_write(xero, vcr):
    with pytest.raises(Rejected):
        xero.connector(UK_ORG, base_currency="GBP").record_journal(fee(currency="USD"))

    assert requests_made(vcr) == 1 and vcr.requests[0].method == "GET"


@pytest.mark.vcr
def test_a_fee_told_it_has_no_bank_line_is_a_manual_journal_without_reading_the_chart(
        xero, vcr):
    """The add-on's cached chart says no line is on a bank account: the write alone."""
    connector = xero.connector(UK_ORG, base_currency="GBP")

    written = connector.record_journal(replace(fee(), bank_account_ids=frozenset()))

    assert requests_made(vcr) == 1
    assert vcr.requests[0].uri.endswith("/ManualJournals?summarizeErrors=True")
    assert vcr.requests[0].headers["Idempotency-Key"] == KEY
    created = answer(vcr, 0)["ManualJournals"][0]
    assert written == LedgerWrite("ManualJournal", (created["ManualJournalID"],))


@pytest.mark.vcr
def test_a_fee_told_its_clearing_is_a_bank_is_a_spend_without_reading_the_chart(xero, vcr):
    connector = xero.connector(UK_ORG, base_currency="GBP")
    posting = replace(fee("2.40", clearing=EURO_BANK, currency="EUR", rate=Decimal("0.845")),
                      bank_account_ids=frozenset({EURO_BANK}))

    written = connector.record_journal(posting)

    assert requests_made(vcr) == 1
    sent = body(vcr, 0)["BankTransactions"][0]
    assert (sent["Type"], sent["BankAccount"]["AccountID"], sent["CurrencyCode"]) == (
        "SPEND", EURO_BANK, "EUR")
    assert [(line["AccountID"], line["LineAmount"]) for line in sent["LineItems"]] == [
        (FEES, 2.4)]
    created = answer(vcr, 0)["BankTransactions"][0]
    assert written == LedgerWrite("BankTransaction", (created["BankTransactionID"],))


@pytest.mark.vcr
def test_a_stale_hint_calling_clearing_a_bank_is_refused_by_xero(xero, vcr):
    """The cache is trusted, not believed blindly: a bank transaction on what is no longer a
    BANK account is Xero's ValidationException, nothing recorded."""
    connector = xero.connector(UK_ORG, base_currency="GBP")

    with pytest.raises(Rejected) as caught:
        connector.record_journal(replace(fee(), bank_account_ids=frozenset({CLEARING})))

    assert caught.value.code == "ValidationException"
    assert requests_made(vcr) == 1 and vcr.requests[0].method == "PUT"
