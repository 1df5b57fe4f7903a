"""api.xero.com stand-in, money moved between accounts (at /xero/api/api.xro/2.0):
PUT /ManualJournals, RECEIVE and SPEND bank transactions (PUT /BankTransactions routes them
here; RECEIVE-OVERPAYMENT stays in xero_overpayments.py) and PUT /BankTransfers, behind the same
gate as xero_api.py.

Checked as Xero does: a manual journal has a narration, two or more lines on active accounts
that are not AR/AP control accounts, debits equal to credits ("The total debits (…) must equal
total credits (…)"), and is in the base currency (Xero's manual journals have no currency); a
bank transaction's BankAccount must be an active BANK account, its CurrencyCode that account's,
a contact (ContactID, or a Name Xero matches or creates), lines on active non-bank accounts
whose total is positive (single lines may be negative: Xero refuses only a negative total
[verify]); a transfer moves a positive amount between two
different active BANK accounts of one currency (the stand-in does not simulate cross-currency
transfers). Dates on or before the period lock date are refused. A repeated Idempotency-Key
replays the first answer, refusals included (sandbox/replays.py).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from flask import Blueprint, Response, request

from sandbox import xero_api
from sandbox.replays import Replays
from sandbox.xero_lines import (
    CONTROL_ACCOUNTS,
    SYSTEM_ACCOUNT,
    TAXED,
    abridged,
    contact,
    date_problems,
    echo,
    line_account,
    line_amount,
    line_items_problems,
    rate_for,
    saved_lines,
)
from sandbox.xero_payment_rules import _bank_currency, _base, _date, _number
from sandbox.xero_seed import ms_date
from sandbox.xero_wire import (
    envelope,
    error,
    replayed,
    submitted_items,
    validation_exception,
)

bp = Blueprint("transactions", __name__)
bp.before_request(xero_api.gate)
ACCOUNTING = xero_api.ACCOUNTING
JOURNAL_SCOPES = frozenset({"accounting.manualjournals", "accounting.transactions"})
BANK_SCOPES = frozenset({"accounting.banktransactions", "accounting.transactions"})

NO_NARRATION = "Narration must not be empty"
TWO_LINES = "A manual journal must have at least two journal lines"
UNBALANCED = "The total debits ({}) must equal total credits ({})"
NO_LINE_AMOUNT = "Each journal line needs a LineAmount"
STATUSES = "A manual journal can be created as DRAFT or POSTED only"
NO_BANK_ACCOUNT = "A valid BankAccount is required"
NOT_BANK = "The BankAccount must be an account of type BANK"
WRONG_CURRENCY = "The currency of a bank transaction must be the currency of its bank account"
NO_CONTACT = "A Contact must be specified for this type of transaction"
BANK_LINE = "A bank account cannot be used on a line of a bank transaction"
NOT_POSITIVE_TOTAL = "The total of a bank transaction must be greater than zero"
TRANSFER_ACCOUNTS = "A transfer needs two different active BANK accounts"
TRANSFER_CURRENCY = "Both accounts of a transfer must be in the same currency"
TRANSFER_AMOUNT = "The transfer amount must be greater than zero"

REPLAYS = Replays()
_lock = xero_api.BOOKS


def reset() -> None:
    REPLAYS.reset()


def once(org: dict, run) -> Response:
    """`run()` under the organisation's lock, or its first answer for a repeated key."""
    def locked() -> Response:
        with _lock:
            return run()

    return REPLAYS.once(org["Organisation"]["OrganisationID"],
                        request.headers.get("Idempotency-Key"), locked, replay=replayed)


# ---- ManualJournals ----------------------------------------------------------------------


@bp.put(f"{ACCOUNTING}/ManualJournals")
@xero_api.accounting(JOURNAL_SCOPES)
def create_manual_journals(org: dict) -> Response:
    return record_submitted(org, "ManualJournals", _journal_problems, _save_journal)


def _journal_problems(org: dict, item: dict) -> list[str]:
    problems = [] if str(item.get("Narration") or "").strip() else [NO_NARRATION]
    if item.get("Status", "DRAFT") not in ("DRAFT", "POSTED"):
        problems.append(STATUSES)
    if item.get("LineAmountTypes") not in (None, "NoTax"):
        problems.append(TAXED)
    lines = item.get("JournalLines")
    if not isinstance(lines, list) or len(lines) < 2:
        return [*problems, TWO_LINES]
    debits = credits = Decimal("0.00")
    for line in lines:
        account, problem = line_account(org, line)
        if problem:
            problems.append(problem)
        elif account.get("SystemAccount") in CONTROL_ACCOUNTS:
            problems.append(SYSTEM_ACCOUNT.format(account.get("Code") or account["Name"]))
        amount = line_amount(line)
        if amount is None:
            problems.append(NO_LINE_AMOUNT)
        elif amount > 0:
            debits += amount
        else:
            credits -= amount
    if debits != credits:
        problems.append(UNBALANCED.format(debits, credits))
    return problems + date_problems(org, item.get("Date"))


def _save_journal(org: dict, item: dict) -> dict:
    lines = []
    for line in item["JournalLines"]:
        account, _ = line_account(org, line)
        lines.append({"LineAmount": line_amount(line), "AccountCode": account.get("Code") or "",
                      "AccountID": account["AccountID"],
                      "Description": line.get("Description") or "", "TaxType": "NONE",
                      "TaxAmount": Decimal("0.00"), "IsBlank": False})
    journal = {
        "Date": ms_date(_date(item["Date"]).isoformat()), "Status": item.get("Status", "DRAFT"),
        "LineAmountTypes": "NoTax", "Narration": item["Narration"], "JournalLines": lines,
        "ShowOnCashBasisReports": bool(item.get("ShowOnCashBasisReports", True)),
        "HasAttachments": False, "UpdatedDateUTC": ms_date(datetime.now(UTC)),
        "ManualJournalID": str(uuid.uuid4())}
    org.setdefault("ManualJournals", []).append(journal)
    return journal


# ---- BankTransactions RECEIVE / SPEND ----------------------------------------------------


def create_bank_transactions(org: dict, submitted: list[dict]) -> Response:
    """RECEIVE and SPEND (PUT /BankTransactions routes them here)."""
    return once(org, lambda: _record_all(org, submitted, "BankTransactions", _bank_problems,
                                         _save_bank_transaction))


def _bank_problems(org: dict, item: dict) -> list[str]:
    problems = []
    account, _ = line_account(org, item.get("BankAccount") or {})
    if account is None:
        problems.append(NO_BANK_ACCOUNT)
    elif account["Type"] != "BANK":
        problems.append(NOT_BANK)
    elif item.get("CurrencyCode") not in (None, _bank_currency(org, account)):
        problems.append(WRONG_CURRENCY)
    if contact(org, item) is None:
        problems.append(NO_CONTACT)
    return problems + line_items_problems(org, item, bank_line=BANK_LINE,
                                          not_positive=NOT_POSITIVE_TOTAL,
                                          no_amount=NO_LINE_AMOUNT)


def _save_bank_transaction(org: dict, item: dict) -> dict:
    account, _ = line_account(org, item["BankAccount"])
    currency = _bank_currency(org, account)
    lines, total = saved_lines(org, item)
    now = datetime.now(UTC)
    transaction = {
        "Type": item["Type"], "Contact": abridged(contact(org, item)), "LineItems": lines,
        "BankAccount": {key: account.get(key, "") for key in ("AccountID", "Code", "Name")},
        "IsReconciled": bool(item.get("IsReconciled", False)),
        "Date": ms_date(_date(item["Date"]).isoformat()),
        "Reference": item.get("Reference") or "", "CurrencyCode": currency,
        "CurrencyRate": rate_for(org, currency, item.get("CurrencyRate")),
        "Status": "AUTHORISED", "LineAmountTypes": "NoTax", "SubTotal": total,
        "TotalTax": Decimal("0.00"), "Total": total, "BankTransactionID": str(uuid.uuid4()),
        "UpdatedDateUTC": ms_date(now), "HasAttachments": False}
    org.setdefault("BankTransactions", []).append(transaction)
    return transaction


# ---- BankTransfers -----------------------------------------------------------------------


@bp.put(f"{ACCOUNTING}/BankTransfers")
@xero_api.accounting(BANK_SCOPES)
def create_bank_transfers(org: dict) -> Response:
    return record_submitted(org, "BankTransfers", _transfer_problems, _save_transfer)


def _transfer_problems(org: dict, item: dict) -> list[str]:
    source, _ = line_account(org, item.get("FromBankAccount") or {})
    target, _ = line_account(org, item.get("ToBankAccount") or {})
    problems = []
    if (source is None or target is None or source is target
            or source["Type"] != "BANK" or target["Type"] != "BANK"):
        problems.append(TRANSFER_ACCOUNTS)
    elif _bank_currency(org, source) != _bank_currency(org, target):
        problems.append(TRANSFER_CURRENCY)
    amount = _number(item.get("Amount"))
    if amount is None or amount <= 0:
        problems.append(TRANSFER_AMOUNT)
    return problems + date_problems(org, item.get("Date"))


def _save_transfer(org: dict, item: dict) -> dict:
    source, _ = line_account(org, item["FromBankAccount"])
    target, _ = line_account(org, item["ToBankAccount"])
    currency = _bank_currency(org, source)
    transfer = {
        "FromBankAccount": {key: source.get(key, "") for key in ("AccountID", "Code", "Name")},
        "ToBankAccount": {key: target.get(key, "") for key in ("AccountID", "Code", "Name")},
        "Amount": line_amount({"LineAmount": item["Amount"]}),
        "Date": ms_date(_date(item["Date"]).isoformat()),
        "BankTransferID": str(uuid.uuid4()),
        "CurrencyRate": rate_for(org, currency, None) if currency != _base(org)
        else Decimal("1.000000"),
        "FromBankTransactionID": str(uuid.uuid4()), "ToBankTransactionID": str(uuid.uuid4()),
        "FromIsReconciled": bool(item.get("FromIsReconciled", False)),
        "ToIsReconciled": bool(item.get("ToIsReconciled", False)),
        "Reference": item.get("Reference") or "", "HasAttachments": False,
        "CreatedDateUTC": ms_date(datetime.now(UTC))}
    org.setdefault("BankTransfers", []).append(transfer)
    return transfer


def record_submitted(org: dict, entity: str, problems_of, save) -> Response:
    """A PUT of the body's `entity` array (one element at least), recorded all or nothing under
    the organisation's lock and Idempotency-Key (ManualJournals, BankTransfers, CreditNotes)."""
    submitted = submitted_items(entity, allow_empty=False)
    if submitted is None:
        return error(400, 14, "PostDataInvalidException",
                     f"The request body must be a {entity} object with a {entity} array")
    return once(org, lambda: _record_all(org, submitted, entity, problems_of, save))


def _record_all(org: dict, submitted: list[dict], entity: str, problems_of, save) -> Response:
    """Every element checked before any is saved: one refusal records nothing (Xero's
    summarizeErrors=true, the only mode the stand-in simulates for these writes)."""
    checked = [(item, problems_of(org, item)) for item in submitted]
    refused = [echo(item, problems) for item, problems in checked if problems]
    if refused:
        return validation_exception(refused)
    return envelope(entity, [save(org, item) for item in submitted])
