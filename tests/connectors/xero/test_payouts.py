"""XeroConnector.record_payout(): a Stripe payout as one RECEIVE bank transaction on the
settlement bank listing every entry it contains (lines coded to clearing, signed), a SPEND when
it failed after being recorded, a BankTransfer when the clearing account is itself a BANK
account; and account_balance() proving the clearing account nets to zero. Replayed from
cassettes recorded against the sandbox (../README.md)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from connectors.base import LedgerWrite, PayoutItem, PayoutPosting, Rejected
from sandbox.xero_seed import INVOICE_IDS
from tests.connectors.xero.conftest import UK_ORG, answer, body, requests_made
from tests.connectors.xero.test_journals import BANK, CLEARING, FEES, fee
from tests.connectors.xero.test_payments import posting

YEN_BANK = "1de02e28-64d8-511e-bba6-fcd40641d618"
KEY = "remit-1-payout-po_1PxA"


def payout(*items: tuple[str, str], bank: str = BANK, clearing: str = CLEARING,
           currency: str = "GBP", rate: Decimal | None = None, reverse: bool = False,
           amount: str | None = None) -> PayoutPosting:
    listed = tuple(PayoutItem(description, Decimal(value)) for description, value in items)
    return PayoutPosting(
        idempotency_key=KEY + ("-reversal" if reverse else ""), currency=currency,
        arrival_date=date(2026, 3, 11),
        amount=Decimal(amount) if amount else sum((i.amount for i in listed), Decimal(0)),
        bank_account_id=bank, clearing_account_id=clearing, items=listed,
        reference="po_1PxA", memo="Stripe payout po_1PxA", exchange_rate=rate, reverse=reverse)


@pytest.mark.vcr
def test_a_payout_is_one_receive_on_the_bank_with_a_line_per_entry(xero, vcr):
    """A charge net of its fee, a refund (a negative line) and a dispute's withdrawal: one
    transaction whose total is the payout, so the bank feed's line matches it."""
    connector = xero.connector(UK_ORG, base_currency="GBP")

    written = connector.record_payout(payout(("ch_1 gross 250.00, fee 7.55", "242.45"),
                                             ("re_1 refund", "-20.00"),
                                             ("dp_1 funds withdrawn 15.00", "-15.00")))

    assert requests_made(vcr) == 2  # the clearing account (is it a bank?), the write
    assert vcr.requests[0].uri.endswith(f"/Accounts/{CLEARING}")
    assert vcr.requests[1].headers["Idempotency-Key"] == KEY
    sent = body(vcr, 1)["BankTransactions"][0]
    assert (sent["Type"], sent["BankAccount"]["AccountID"], sent["Reference"],
            sent["CurrencyCode"], sent["LineAmountTypes"]) == (
        "RECEIVE", BANK, "po_1PxA", "GBP", "NoTax")
    assert sent["Date"] == "/Date(1773187200000)/"  # the arrival date
    assert [(line["AccountID"], line["LineAmount"]) for line in sent["LineItems"]] == [
        (CLEARING, 242.45), (CLEARING, -20.0), (CLEARING, -15.0)]
    created = answer(vcr, 1)["BankTransactions"][0]
    assert written == LedgerWrite("BankTransaction", (created["BankTransactionID"],))
    assert created["Total"] == 207.45


@pytest.mark.vcr
def test_the_clearing_account_nets_to_zero_at_the_payout(xero, vcr):
    """Payment in (250.00), fee out (7.55), payout (242.45): clearing is 0.00 in the trial
    balance and the bank holds the payout."""
    connector = xero.connector(UK_ORG, base_currency="GBP")
    connector.record_payment(posting(("INV-0001", "250.00"), account=CLEARING))
    connector.record_journal(fee())

    assert connector.account_balance(CLEARING) == Decimal("242.45")
    connector.record_payout(payout(("ch_3PxAbc gross 250.00, fee 7.55", "242.45")))

    assert connector.account_balance(CLEARING) == Decimal("0.00")
    assert connector.account_balance(BANK) == Decimal("317.45")  # 75.00 seeded (INV-0004)
    assert connector.account_balance(FEES) == Decimal("7.55")
    assert connector.invoice(INVOICE_IDS["INV-0001"]).status == "paid"
    assert vcr.requests[-2].uri.endswith("/Reports/TrialBalance")  # one read per balance


@pytest.mark.vcr
def test_a_failed_payout_is_reversed_by_a_spend_back_to_clearing(xero, vcr):
    connector = xero.connector(UK_ORG, base_currency="GBP")
    connector.record_payout(payout(("ch_1 net", "242.45")))

    written = connector.record_payout(payout(amount="242.45", reverse=True))

    sent = body(vcr, 3)["BankTransactions"][0]
    assert vcr.requests[3].headers["Idempotency-Key"] == KEY + "-reversal"
    assert (sent["Type"], sent["BankAccount"]["AccountID"]) == ("SPEND", BANK)
    assert [(line["AccountID"], line["LineAmount"]) for line in sent["LineItems"]] == [
        (CLEARING, 242.45)]
    assert written.object_type == "BankTransaction"
    assert connector.account_balance(BANK) == Decimal("75.00")  # as seeded (INV-0004)


@pytest.mark.vcr
def test_a_yen_payout_keeps_whole_yen_with_its_rate(xero, vcr):
    """JPY has no minor unit: the lines go as whole yen on the yen bank, at the rate."""
    connector = xero.connector(UK_ORG, base_currency="GBP")

    connector.record_payout(payout(("ch_jp gross 36000, fee 1300", "34700"),
                                   ("re_jp refund", "-5000"), bank=YEN_BANK, currency="JPY",
                                   rate=Decimal("0.00522875")))

    sent = body(vcr, 1)["BankTransactions"][0]
    assert sent["CurrencyCode"] == "JPY"
    assert sent["CurrencyRate"] == pytest.approx(191.2503, abs=1e-4)
    assert [line["LineAmount"] for line in sent["LineItems"]] == [34700, -5000]
    created = answer(vcr, 1)["BankTransactions"][0]
    assert (created["Total"], created["CurrencyCode"]) == (29700, "JPY")
    # clearing is in pounds: 29,700 yen at 191.25 yen per pound left it
    assert connector.account_balance(CLEARING) == Decimal("-155.29")


@pytest.mark.vcr
def test_a_bank_account_used_as_clearing_pays_out_by_bank_transfer(xero, vcr):
    """Xero codes no bank transaction line to a BANK account: a transfer, with no items."""
    stripe_bank = xero.add_bank_account("Stripe GBP", "GBP", "095")
    connector = xero.connector(UK_ORG, base_currency="GBP")

    written = connector.record_payout(payout(("ch_1 net", "242.45"), clearing=stripe_bank))

    assert vcr.requests[1].uri.endswith("/BankTransfers")
    sent = body(vcr, 1)["BankTransfers"][0]
    assert (sent["FromBankAccount"]["AccountID"], sent["ToBankAccount"]["AccountID"],
            sent["Amount"], sent["Reference"]) == (stripe_bank, BANK, 242.45, "po_1PxA")
    assert written == LedgerWrite(
        "BankTransfer", (answer(vcr, 1)["BankTransfers"][0]["BankTransferID"],))
    assert connector.account_balance(stripe_bank) == Decimal("-242.45")


@pytest.mark.vcr
def test_a_payout_told_clearing_is_no_bank_is_one_receive_without_reading(xero, vcr):
    """The add-on's cached chart says only the settlement bank is a bank: the write alone."""
    connector = xero.connector(UK_ORG, base_currency="GBP")

    written = connector.record_payout(replace(payout(("ch_1 gross 250.00, fee 7.55", "242.45")),
                                              bank_account_ids=frozenset({BANK})))

    assert requests_made(vcr) == 1
    assert vcr.requests[0].headers["Idempotency-Key"] == KEY
    sent = body(vcr, 0)["BankTransactions"][0]
    assert (sent["Type"], sent["BankAccount"]["AccountID"]) == ("RECEIVE", BANK)
    assert [(line["AccountID"], line["LineAmount"]) for line in sent["LineItems"]] == [
        (CLEARING, 242.45)]
    created = answer(vcr, 0)["BankTransactions"][0]
    assert written == LedgerWrite("BankTransaction", (created["BankTransactionID"],))


@pytest.mark.vcr
def test_a_payout_told_clearing_is_a_bank_is_a_transfer_without_reading(xero, vcr):
    stripe_bank = xero.add_bank_account("Stripe GBP", "GBP", "095")
    connector = xero.connector(UK_ORG, base_currency="GBP")

    written = connector.record_payout(replace(
        payout(("ch_1 net", "242.45"), clearing=stripe_bank),
        bank_account_ids=frozenset({BANK, stripe_bank})))

    assert requests_made(vcr) == 1
    assert vcr.requests[0].uri.endswith("/BankTransfers")
    sent = body(vcr, 0)["BankTransfers"][0]
    assert (sent["FromBankAccount"]["AccountID"], sent["ToBankAccount"]["AccountID"]) == (
        stripe_bank, BANK)
    assert written == LedgerWrite(
        "BankTransfer", (answer(vcr, 0)["BankTransfers"][0]["BankTransferID"],))


@pytest.mark.vcr
def test_a_stale_hint_calling_a_bank_clearing_no_bank_is_refused_by_xero(xero, vcr):
    """Xero codes no bank transaction line to a BANK account: a cache that missed the clearing
    account becoming a bank gets a ValidationException, nothing recorded."""
    stripe_bank = xero.add_bank_account("Stripe GBP", "GBP", "095")
    connector = xero.connector(UK_ORG, base_currency="GBP")

    with pytest.raises(Rejected) as caught:
        connector.record_payout(replace(payout(("ch_1 net", "242.45"), clearing=stripe_bank),
                                        bank_account_ids=frozenset({BANK})))

    assert caught.value.code == "ValidationException"
    assert requests_made(vcr) == 1
