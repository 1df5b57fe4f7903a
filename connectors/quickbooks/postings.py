"""Pure functions: Remit's journal, payout and refund postings -> the exact QuickBooks create
bodies (reference §2.6, §2.7), refusing with ValueError what QuickBooks must not receive.

As with payment_request(): exactly these fields (the SDK's defaults, such as ExchangeRate 1 on a
foreign Deposit or RefundReceipt, are never sent), amounts as the Decimals given, CurrencyRef
always and ExchangeRate only when the posting carries one.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from connectors.base import JournalPosting, PayoutPosting, RefundPosting
from connectors.quickbooks import const

PostingLimits = tuple[str, str, int]


def journal_request(posting: JournalPosting) -> dict:
    """JournalPosting -> a JournalEntry: a Debit line per positive amount, a Credit line per
    negative one (QuickBooks wants positive amounts), DocNumber = the reference."""
    _check(posting.idempotency_key, posting.exchange_rate,
           ("reference", posting.reference, const.DOC_NUMBER_LIMIT),
           ("memo", posting.memo, const.PRIVATE_NOTE_LIMIT))
    if any(line.amount == 0 for line in posting.lines):
        raise ValueError("a journal line must move a non-zero amount")
    if len(posting.lines) < 2 or sum(line.amount for line in posting.lines) != 0:
        raise ValueError("a journal needs two or more lines that sum to zero")
    fields = _head(posting.posted_on, posting.currency, posting.exchange_rate)
    if posting.reference:
        fields["DocNumber"] = posting.reference
    if posting.memo:
        fields["PrivateNote"] = posting.memo
    fields["Line"] = [{
        "Description": line.description, "Amount": _plain(abs(line.amount)),
        "DetailType": "JournalEntryLineDetail",
        "JournalEntryLineDetail": {"PostingType": "Debit" if line.amount > 0 else "Credit",
                                   "AccountRef": {"value": line.account_id}}}
        for line in posting.lines]
    return fields


def deposit_request(posting: PayoutPosting) -> dict:
    """A payout -> a Deposit into the settlement bank dated the arrival date: one
    DepositLineDetail line per item from the clearing account, its net signed (a refund or a
    dispute line is negative), so the lines add up to the payout."""
    _check_payout(posting)
    if posting.reverse:
        raise ValueError("a reversed payout is a Transfer (transfer_request)")
    fields = {"DepositToAccountRef": {"value": posting.bank_account_id},
              **_head(posting.arrival_date, posting.currency, posting.exchange_rate)}
    if posting.memo:
        fields["PrivateNote"] = posting.memo
    fields["Line"] = [{
        "Description": item.description, "Amount": _plain(item.amount),
        "DetailType": "DepositLineDetail",
        "DepositLineDetail": {"AccountRef": {"value": posting.clearing_account_id}}}
        for item in posting.items]
    return fields


def transfer_request(posting: PayoutPosting) -> dict:
    """A payout that failed after it was recorded -> a Transfer of its amount from the bank
    back to the clearing account, dated the arrival date."""
    _check_payout(posting)
    if not posting.reverse:
        raise ValueError("only a reversed payout is a Transfer")
    fields = {"FromAccountRef": {"value": posting.bank_account_id},
              "ToAccountRef": {"value": posting.clearing_account_id},
              "Amount": _plain(posting.amount),
              **_head(posting.arrival_date, posting.currency, posting.exchange_rate)}
    if posting.memo:
        fields["PrivateNote"] = posting.memo
    return fields


def refund_request(posting: RefundPosting) -> dict:
    """RefundPosting -> a RefundReceipt for the customer, out of the clearing account, one
    line on the refunded invoice's item (which reduces that item's income account)."""
    _check(posting.idempotency_key, posting.exchange_rate,
           ("reference", posting.reference, const.PAYMENT_REF_LIMIT),
           ("memo", posting.memo, const.PRIVATE_NOTE_LIMIT))
    if posting.amount <= 0:
        raise ValueError("a refund moves a positive amount")
    if not posting.income_ref:
        raise ValueError("a QuickBooks refund needs the invoice's item (income_ref)")
    fields = {"CustomerRef": {"value": posting.customer_id},
              **_head(posting.refunded_on, posting.currency, posting.exchange_rate),
              "DepositToAccountRef": {"value": posting.from_account_id}}
    if posting.reference:
        fields["PaymentRefNum"] = posting.reference
    if posting.memo:
        fields["PrivateNote"] = posting.memo
    fields["Line"] = [{
        "Description": f"Refund {posting.reference}".strip(), "Amount": _plain(posting.amount),
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": posting.income_ref}}}]
    return fields


def _head(day: date, currency: str, exchange_rate: Decimal | None) -> dict:
    fields: dict = {"TxnDate": day.isoformat(), "CurrencyRef": {"value": currency}}
    if exchange_rate is not None:
        fields["ExchangeRate"] = _plain(exchange_rate)
    return fields


def _check_payout(posting: PayoutPosting) -> None:
    _check(posting.idempotency_key, posting.exchange_rate,
           ("reference", posting.reference, const.DOC_NUMBER_LIMIT),
           ("memo", posting.memo, const.PRIVATE_NOTE_LIMIT))
    if posting.bank_account_id == posting.clearing_account_id:
        raise ValueError("a payout moves money from the clearing account to another account")


def _check(key: str, exchange_rate: Decimal | None, *texts: PostingLimits) -> None:
    if not key or len(key) > const.REQUEST_ID_LIMIT:
        raise ValueError(f"idempotency_key must be 1 to {const.REQUEST_ID_LIMIT} characters "
                         f"(QuickBooks' requestid), not {len(key)}")
    for name, text, limit in texts:
        if len(text) > limit:
            raise ValueError(f"{name} is {len(text)} characters; QuickBooks keeps {limit}")
    if exchange_rate is not None and exchange_rate <= 0:
        raise ValueError("an exchange rate must be positive")


def _plain(value: Decimal) -> Decimal:
    """The same value written without an exponent (1E+2 -> 100)."""
    return Decimal(format(value, "f"))
