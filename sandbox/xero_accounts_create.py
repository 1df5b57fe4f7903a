"""api.xero.com stand-in, chart of accounts writes (at /xero/api/api.xro/2.0): PUT /Accounts,
one Account per request as in Xero's document (createAccount), behind the same gate as
xero_api.py and with the write scope `accounting.settings` (the read scope is not enough).

Checked as Xero does: a Code (up to 10 characters) and a Name (up to 150) that no other account
of the organisation has, archived ones included; a Type from AccountType; a currency only on a
BANK account (which needs its BankAccountNumber), every other account being in the base
currency; no Description on a BANK account. Refusals are a ValidationException echoing the
Account with its ValidationErrors; messages are Xero's where known ("Please enter a unique
Name.", its spec example) and the stand-in's own otherwise [verify]: assert the
ValidationException, not the words. The `Idempotency-Key` replays the first answer (the same
memory as PUT /Payments).
"""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime

from flask import Blueprint, Response, request

from sandbox import xero_api, xero_payments
from sandbox.xero_seed import ms_date
from sandbox.xero_wire import envelope, error, validation_exception

bp = Blueprint("accounts_create", __name__)
bp.before_request(xero_api.gate)
WRITE_SCOPES = frozenset({"accounting.settings"})
# AccountType -> (Class, ReportingCode, ReportingCodeName) given to a new account.
KINDS = {
    "BANK": ("ASSET", "ASS.CUR.CAS.CAS", "Cash on hand"),
    "CURRENT": ("ASSET", "ASS.CUR", "Current"),
    "CURRLIAB": ("LIABILITY", "LIA.CUR", "Current liabilities"),
    "DEPRECIATN": ("EXPENSE", "EXP.DEP", "Depreciation"),
    "DIRECTCOSTS": ("EXPENSE", "EXP.COS", "Cost of sales"),
    "EQUITY": ("EQUITY", "EQU", "Equity"),
    "EXPENSE": ("EXPENSE", "EXP", "Expense"),
    "FIXED": ("ASSET", "ASS.NCA.FIX", "Fixed assets"),
    "INVENTORY": ("ASSET", "ASS.CUR.INY", "Inventory"),
    "LIABILITY": ("LIABILITY", "LIA", "Liabilities"),
    "NONCURRENT": ("ASSET", "ASS.NCA", "Non-current assets"),
    "OTHERINCOME": ("REVENUE", "REV.OTH", "Other income"),
    "OVERHEADS": ("EXPENSE", "EXP", "Expense"),
    "PREPAYMENT": ("ASSET", "ASS.CUR.REC.PRE", "Prepayments"),
    "REVENUE": ("REVENUE", "REV", "Revenue"),
    "SALES": ("REVENUE", "REV.TRA", "Trading revenue"),
    "TERMLIAB": ("LIABILITY", "LIA.NCL", "Non-current liabilities"),
    "PAYG": ("LIABILITY", "LIA.CUR", "Current liabilities"),
}
WRITABLE = frozenset({"Code", "Name", "Type", "BankAccountNumber", "Status", "Description",
                      "BankAccountType", "CurrencyCode", "TaxType", "EnablePaymentsToAccount",
                      "ShowInExpenseClaims", "AddToWatchlist", "ReportingCode", "AccountID",
                      "HasAttachments", "Class", "SystemAccount", "ReportingCodeName",
                      "UpdatedDateUTC", "ValidationErrors"})
ZERO_ID = "00000000-0000-0000-0000-000000000000"
_lock = threading.Lock()


@bp.put(f"{xero_api.ACCOUNTING}/Accounts")
@xero_api.accounting(WRITE_SCOPES)
def create_account(org: dict) -> Response:
    submitted = _submitted()
    if submitted is None:
        return error(400, 14, "PostDataInvalidException",
                     "The request body must be an Account object")
    return xero_payments.IDEMPOTENCY_KEYS.once(
        org["Organisation"]["OrganisationID"], request.headers.get("Idempotency-Key"),
        lambda: _create(org, submitted), replay=_replayed)


def _replayed(kept) -> Response:
    """The first answer again, with its own correlation id (the body's Id)."""
    answer = kept.response()
    if "Xero-Correlation-Id" in kept.headers:
        answer.headers["Xero-Correlation-Id"] = kept.headers["Xero-Correlation-Id"]
    return answer


def _submitted() -> dict | None:
    try:
        body = json.loads(request.get_data(as_text=True) or "null")
    except ValueError:
        return None
    if isinstance(body, dict) and isinstance(body.get("Accounts"), list) and body["Accounts"]:
        body = body["Accounts"][0]  # Xero also takes the Accounts envelope
    return body if isinstance(body, dict) and set(body) <= WRITABLE else None


def _create(org: dict, submitted: dict) -> Response:
    with _lock:
        problems = refusals(org, submitted)
        if problems:
            element = {"AccountID": ZERO_ID, **{k: v for k, v in submitted.items()
                                               if k != "ValidationErrors"},
                       "ValidationErrors": [{"Message": m} for m in problems]}
            return validation_exception([element])
        created = _account(org, submitted)
        org["Accounts"].append(created)
    return envelope("Accounts", [created])


def refusals(org: dict, submitted: dict) -> list[str]:
    """Xero's validation messages for an Account create, none when it may be created."""
    code, name = str(submitted.get("Code") or "").strip(), str(submitted.get("Name") or "")
    kind = submitted.get("Type")
    others = org["Accounts"]
    problems = []
    if kind not in KINDS:
        problems.append("Please select a valid Account Type.")
    if not name.strip():
        problems.append("Please enter a Name.")
    elif len(name) > 150:
        problems.append("Name must be 150 characters or less.")
    elif any(a["Name"].casefold() == name.strip().casefold() for a in others):
        problems.append("Please enter a unique Name.")
    if not code and kind != "BANK":
        problems.append("Please enter a Code.")
    elif len(code) > 10:
        problems.append("Code must be 10 characters or less.")
    elif code and any(str(a.get("Code", "")).casefold() == code.casefold() for a in others):
        problems.append("Please enter a unique Code.")
    if kind == "BANK":
        if not submitted.get("BankAccountNumber"):
            problems.append("Please enter a Bank Account Number.")
        if submitted.get("CurrencyCode") not in (None, *org["Currencies"]):
            problems.append("The currency is not enabled for this organisation.")
    elif submitted.get("CurrencyCode") not in (None, org["Organisation"]["BaseCurrency"]):
        problems.append("Only bank accounts can be in a currency other than the base currency.")
    return problems


def _account(org: dict, submitted: dict) -> dict:
    """The new account as GET /Accounts answers it."""
    kind = submitted["Type"]
    account_class, reporting, reporting_name = KINDS[kind]
    created = {
        "AccountID": str(uuid.uuid4()), "Code": str(submitted.get("Code") or "").strip(),
        "Name": submitted["Name"].strip(), "Status": "ACTIVE", "Type": kind,
        "TaxType": submitted.get("TaxType") or "NONE", "Class": account_class,
        "EnablePaymentsToAccount": bool(submitted.get("EnablePaymentsToAccount")),
        "ShowInExpenseClaims": bool(submitted.get("ShowInExpenseClaims")),
        "ReportingCode": reporting, "ReportingCodeName": reporting_name,
        "HasAttachments": False, "UpdatedDateUTC": ms_date(datetime.now(UTC)),
        "AddToWatchlist": bool(submitted.get("AddToWatchlist")),
    }
    if submitted.get("Description") and kind != "BANK":
        created["Description"] = submitted["Description"]
    if kind == "BANK":
        created.update(BankAccountNumber=submitted["BankAccountNumber"],
                       BankAccountType=submitted.get("BankAccountType") or "BANK",
                       CurrencyCode=submitted.get("CurrencyCode")
                       or org["Organisation"]["BaseCurrency"])
    return created
