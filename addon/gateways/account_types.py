"""Ledger account types in the reader's language: the vendors' own vocabulary (QuickBooks
"Other Current Asset", Xero "CURRENT") means little to a French bookkeeper, and Xero's codes
little to anyone. A pure mapping from the type the ledger wrote to a translated label; a type
not listed is shown as the ledger wrote it."""

from __future__ import annotations

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l

LABELS = {
    # QuickBooks Online, AccountTypeEnum (reference quickbooks.md §2)
    "Bank": _l("Bank"),
    "Accounts Receivable": _l("Accounts Receivable"),
    "Other Current Asset": _l("Other Current Asset"),
    "Fixed Asset": _l("Fixed Asset"),
    "Other Asset": _l("Other Asset"),
    "Accounts Payable": _l("Accounts Payable"),
    "Credit Card": _l("Credit Card"),
    "Other Current Liability": _l("Other Current Liability"),
    "Long Term Liability": _l("Long Term Liability"),
    "Equity": _l("Equity"),
    "Income": _l("Income"),
    "Cost of Goods Sold": _l("Cost of Goods Sold"),
    "Expense": _l("Expense"),
    "Other Income": _l("Other Income"),
    "Other Expense": _l("Other Expense"),
    # Xero, Account Type (reference xero.md §2)
    "BANK": _l("Bank"),
    "CURRENT": _l("Current asset"),
    "CURRLIAB": _l("Current liability"),
    "DEPRECIATN": _l("Depreciation"),
    "DIRECTCOSTS": _l("Direct costs"),
    "EQUITY": _l("Equity"),
    "EXPENSE": _l("Expense"),
    "FIXED": _l("Fixed asset"),
    "INVENTORY": _l("Inventory"),
    "LIABILITY": _l("Liability"),
    "NONCURRENT": _l("Non-current asset"),
    "OTHERINCOME": _l("Other income"),
    "OVERHEADS": _l("Overheads"),
    "PREPAYMENT": _l("Prepayment"),
    "REVENUE": _l("Revenue"),
    "SALES": _l("Sales"),
    "TERMLIAB": _l("Non-current liability"),
    "PAYG": _l("PAYG liability"),
}


def account_type_label(account_type: str | None) -> str:
    """The translated label of a ledger account type; an unknown type as written. Kept per
    request (one language per request): the set-up form labels every option of every list,
    tens of thousands with a large chart, and translating each was half the page's time."""
    if not account_type:
        return ""
    memo = request.environ.setdefault("remit.account_type_labels", {}) \
        if has_request_context() else {}
    if account_type not in memo:
        label = LABELS.get(account_type)
        memo[account_type] = str(label) if label is not None else account_type
    return memo[account_type]
