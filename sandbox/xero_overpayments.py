"""api.xero.com stand-in, customer credit (at /xero/api/api.xro/2.0): PUT /BankTransactions for
a RECEIVE-OVERPAYMENT (the only way Xero creates an Overpayment, reference §2.7) and
GET /Overpayments, behind the same gate as xero_api.py.

A RECEIVE-OVERPAYMENT is checked as Xero documents it: a known contact is required; the bank
account must exist, be active and be a BANK or payments-enabled account; the transaction is in
that account's currency; one line item (an overpayment has a single line, coded by Xero to the
AR control account, never taxed: LineAmountTypes NoTax) with a description and a positive
amount. `summarizeErrors` and `Idempotency-Key` behave as on PUT /Payments (xero_payments.py).
RECEIVE and SPEND go to xero_transactions.py; other types are not simulated (501). Messages
are the stand-in's own [verify]: assert their ValidationException, not their words.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask import Blueprint, Response, request

from sandbox import xero_api, xero_transactions
from sandbox.xero_payment_rules import (
    CENT,
    NOT_PAYABLE_ACCOUNT,
    RATE_PLACES,
    _account,
    _bank_currency,
    _base,
    _date,
    _number,
)
from sandbox.xero_seed import ms_date
from sandbox.xero_wire import envelope, error, submitted_items, validation_exception

bp = Blueprint("overpayments", __name__)
bp.before_request(xero_api.gate)
ACCOUNTING = xero_api.ACCOUNTING
TRANSACTION_SCOPES = frozenset({"accounting.banktransactions", "accounting.transactions"})
READ_SCOPES = TRANSACTION_SCOPES | frozenset({"accounting.banktransactions.read",
                                              "accounting.transactions.read"})

NO_CONTACT = "A Contact must be specified for this type of transaction"
NO_BANK_ACCOUNT = "A valid BankAccount is required"
WRONG_CURRENCY = "The currency of a bank transaction must be the currency of its bank account"
ONE_LINE = "An overpayment must have exactly one line item"
NO_DESCRIPTION = "Description needs to be at least 1 char long"
NOT_POSITIVE = "The overpayment amount must be greater than zero"
TAXED = "Overpayments cannot be taxed: LineAmountTypes must be NoTax"
NO_DATE = "A valid date is required"
NO_RATE = "A currency rate must be positive"

_lock = xero_api.BOOKS
_answered: dict[tuple[str, str], list[dict]] = {}  # (tenant, Idempotency-Key) -> answers


def reset() -> None:
    with _lock:
        _answered.clear()


@bp.get(f"{ACCOUNTING}/Overpayments")
@xero_api.accounting(READ_SCOPES)
def overpayments(org: dict) -> Response:
    return envelope("Overpayments", org["Overpayments"])


@bp.put(f"{ACCOUNTING}/BankTransactions")
@xero_api.accounting(TRANSACTION_SCOPES)
def create_bank_transactions(org: dict) -> Response:
    submitted = submitted_items("BankTransactions", allow_empty=False)
    if submitted is None:
        return error(400, 14, "PostDataInvalidException",
                     "The request body must be a BankTransactions object with a "
                     "BankTransactions array")
    kinds = {item.get("Type") for item in submitted}
    if kinds <= {"RECEIVE", "SPEND"}:
        return xero_transactions.create_bank_transactions(org, submitted)
    if kinds != {"RECEIVE-OVERPAYMENT"}:
        return error(501, 20, "NotImplementedException",
                     "Remit's sandbox records RECEIVE, SPEND and RECEIVE-OVERPAYMENT bank "
                     "transactions, one kind of them per request")
    summarize = request.args.get("summarizeErrors", "true").lower() != "false"
    key = request.headers.get("Idempotency-Key")
    memory = (org["Organisation"]["OrganisationID"], key)
    with _lock:
        if key and memory in _answered:
            return envelope("BankTransactions", _answered[memory])
        checked = [(item, _problems(org, item)) for item in submitted]
        refused = [_echo(item, problems) for item, problems in checked if problems]
        if summarize and refused:
            return validation_exception(refused)
        answers = [_record(org, item) if not problems else _echo(item, problems)
                   for item, problems in checked]
        if key and len(refused) < len(answers):
            _answered[memory] = answers
    return envelope("BankTransactions", answers)


def _problems(org: dict, item: dict) -> list[str]:
    problems = []
    if _contact(org, item) is None:
        problems.append(NO_CONTACT)
    account = _account(org, {"Account": item.get("BankAccount") or {}})
    if account is None:
        problems.append(NO_BANK_ACCOUNT)
    elif account["Type"] != "BANK" and not account.get("EnablePaymentsToAccount"):
        problems.append(NOT_PAYABLE_ACCOUNT)
    elif item.get("CurrencyCode") not in (None, _bank_currency(org, account)):
        problems.append(WRONG_CURRENCY)
    rate = item.get("CurrencyRate")
    if rate is not None and ((_number(rate) or 0) <= 0):
        problems.append(NO_RATE)
    if item.get("LineAmountTypes") not in (None, "NoTax"):
        problems.append(TAXED)
    lines = item.get("LineItems")
    if not isinstance(lines, list) or len(lines) != 1 or not isinstance(lines[0], dict):
        problems.append(ONE_LINE)
    else:
        if not str(lines[0].get("Description") or "").strip():
            problems.append(NO_DESCRIPTION)
        amount = _line_amount(lines[0])
        if amount is None or amount <= 0:
            problems.append(NOT_POSITIVE)
    if _date(item.get("Date")) is None:
        problems.append(NO_DATE)
    return problems


def _record(org: dict, item: dict) -> dict:
    """Save the Overpayment (all of it still credit) and answer its bank transaction."""
    account = _account(org, {"Account": item["BankAccount"]})
    contact, line = _contact(org, item), item["LineItems"][0]
    amount = _line_amount(line).quantize(CENT, ROUND_HALF_UP)
    currency = _bank_currency(org, account)
    rate = Decimal("1.000000")
    if currency != _base(org) and item.get("CurrencyRate") is not None:
        rate = _number(item["CurrencyRate"]).quantize(RATE_PLACES, ROUND_HALF_UP)
    paid_on, now = _date(item["Date"]).isoformat(), datetime.now(UTC)
    zero = Decimal("0.00")
    saved_line = {"Description": line["Description"], "UnitAmount": amount, "TaxType": "NONE",
                  "TaxAmount": zero, "LineAmount": amount, "AccountCode": _receivable(org),
                  "Quantity": Decimal("1.0000"), "Tracking": [],
                  "LineItemID": str(uuid.uuid4())}
    common = {
        "Type": "RECEIVE-OVERPAYMENT", "Reference": item.get("Reference") or "",
        "Contact": {key: contact[key] for key in ("ContactID", "Name")},
        "Date": ms_date(paid_on), "Status": "AUTHORISED",
        "LineAmountTypes": "NoTax", "LineItems": [saved_line], "SubTotal": amount,
        "TotalTax": zero, "Total": amount, "CurrencyCode": currency, "CurrencyRate": rate,
        "UpdatedDateUTC": ms_date(now), "HasAttachments": False,
    }
    overpayment_id = str(uuid.uuid4())
    org["Overpayments"].append({"OverpaymentID": overpayment_id, **common,
                                "RemainingCredit": amount, "Allocations": [], "Payments": []})
    transaction = {"BankTransactionID": str(uuid.uuid4()), "OverpaymentID": overpayment_id,
                   "BankAccount": {key: account[key] for key in ("AccountID", "Code", "Name")},
                   "IsReconciled": False, **common}
    org.setdefault("BankTransactions", []).append(transaction)  # the books read it (xero_books)
    return transaction


def _contact(org: dict, item: dict) -> dict | None:
    """The organisation's contacts are those of its invoices (the seed keeps no other)."""
    wanted = str((item.get("Contact") or {}).get("ContactID") or "").lower()
    return next((invoice["Contact"] for invoice in org["Invoices"]
                 if wanted and invoice["Contact"]["ContactID"] == wanted), None)


def _line_amount(line: dict) -> Decimal | None:
    """LineAmount, or Quantity (default 1) x UnitAmount, as Xero computes it."""
    if line.get("LineAmount") is not None:
        return _number(line["LineAmount"])
    unit = _number(line.get("UnitAmount"))
    quantity = _number(line.get("Quantity", 1))
    return None if unit is None or quantity is None else unit * quantity


def _receivable(org: dict) -> str:
    return next((account.get("Code") or "" for account in org["Accounts"]
                 if account.get("SystemAccount") == "DEBTORS"), "")


def _echo(item: dict, problems: list[str]) -> dict:
    return {**item, "HasValidationErrors": True,
            "ValidationErrors": [{"Message": message} for message in problems]}

