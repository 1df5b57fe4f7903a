"""The JournalEntry, Deposit, Transfer and RefundReceipt bodies built from Remit's postings, and
postings refused with ValueError before any call: pure, no cassette."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from connectors.base import JournalLine, JournalPosting, PayoutItem, PayoutPosting, RefundPosting
from connectors.quickbooks import postings

DINAR_FEE = JournalPosting(
    idempotency_key="fee-1", currency="KWD", posted_on=date(2026, 1, 20),
    lines=(JournalLine("8", Decimal("0.315"), "fee"), JournalLine("97", Decimal("-0.315"), "fee")),
    reference="txn_1", memo="", exchange_rate=Decimal("3.2573"))
PAYOUT = PayoutPosting(
    idempotency_key="po-1", currency="JPY", arrival_date=date(2026, 1, 22),
    amount=Decimal("4800"), bank_account_id="35", clearing_account_id="95",
    items=(PayoutItem("ch_1 5000 - fee 200", Decimal("4800")),), reference="po_1", memo="",
    exchange_rate=Decimal("0.006712"))
REFUND = RefundPosting(
    idempotency_key="re-1", customer_id="61", currency="KWD", amount=Decimal("1E+1"),
    refunded_on=date(2026, 1, 25), from_account_id="95", invoice_id="127", income_ref="1",
    reference="re_1", memo="", exchange_rate=Decimal("3.2573"))


def test_amounts_keep_their_currencys_places_and_no_exponent():
    journal = postings.journal_request(DINAR_FEE)
    deposit = postings.deposit_request(PAYOUT)
    refund = postings.refund_request(REFUND)

    assert [line["Amount"] for line in journal["Line"]] == [Decimal("0.315")] * 2
    assert [str(line["Amount"]) for line in deposit["Line"]] == ["4800"]
    assert str(refund["Line"][0]["Amount"]) == "10"
    assert (journal["ExchangeRate"], deposit["ExchangeRate"]) == (
        Decimal("3.2573"), Decimal("0.006712"))
    assert "PrivateNote" not in journal and "PrivateNote" not in deposit  # no empty texts


@pytest.mark.parametrize(("build", "posting", "words"), [
    (postings.journal_request, dataclasses.replace(DINAR_FEE, reference="t" * 22), "reference"),
    (postings.journal_request, dataclasses.replace(DINAR_FEE, idempotency_key="k" * 51),
     "idempotency_key"),
    (postings.journal_request, dataclasses.replace(DINAR_FEE, memo="m" * 4001), "memo"),
    (postings.journal_request, dataclasses.replace(DINAR_FEE, exchange_rate=Decimal(0)),
     "exchange rate"),
    (postings.journal_request, dataclasses.replace(DINAR_FEE, lines=(
        *DINAR_FEE.lines, JournalLine("8", Decimal(0), "nothing"))), "non-zero"),
    (postings.deposit_request, dataclasses.replace(PAYOUT, bank_account_id="95"),
     "clearing account"),
    (postings.deposit_request, dataclasses.replace(PAYOUT, reverse=True), "Transfer"),
    (postings.transfer_request, PAYOUT, "reversed"),
    (postings.refund_request, dataclasses.replace(REFUND, income_ref=None), "income_ref"),
    (postings.refund_request, dataclasses.replace(REFUND, amount=Decimal(0)), "positive"),
    (postings.refund_request, dataclasses.replace(REFUND, reference="r" * 22), "reference"),
])
def test_what_quickbooks_must_not_receive_is_refused(build, posting, words):
    with pytest.raises(ValueError, match=words):
        build(posting)


def test_a_reversed_payout_is_a_transfer_back_to_clearing():
    body = postings.transfer_request(dataclasses.replace(PAYOUT, reverse=True, memo="failed"))

    assert body == {"FromAccountRef": {"value": "35"}, "ToAccountRef": {"value": "95"},
                    "Amount": Decimal("4800"), "TxnDate": "2026-01-22",
                    "CurrencyRef": {"value": "JPY"}, "ExchangeRate": Decimal("0.006712"),
                    "PrivateNote": "failed"}
