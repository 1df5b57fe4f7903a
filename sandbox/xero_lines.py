"""What the Xero stand-in's transaction writes share: accounts named on a line (by AccountID or
AccountCode, active), contacts (by ContactID or by Name, which Xero matches or creates),
rates, and the checks on dates and line amounts. Messages are the stand-in's own where Xero's
are not public ([verify], like xero_overpayments.py's): tests assert the
ValidationException, not the words."""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal

from sandbox.xero_payment_rules import (
    CENT,
    LOCKED,
    RATE_PLACES,
    _base,
    _date,
    _locked_through,
    _number,
)

NO_DATE = "A valid date is required"
NO_RATE = "The currency rate must be greater than zero"
TAXED = "Only LineAmountTypes NoTax is simulated"  # the stand-in's limit, not Xero's
SYSTEM_ACCOUNT = "Account '{}' is a system account and cannot be used here"
NO_LINES = "At least one line item is required"
CONTROL_ACCOUNTS = {"DEBTORS", "CREDITORS"}
# Rates the stand-in uses when a foreign transaction gives none (Xero takes XE.com's hourly).
DAILY_RATES = {"EUR": Decimal("1.183221"), "USD": Decimal("1.271450"),
               "JPY": Decimal("191.254300")}


def line_account(org: dict, line: dict) -> tuple[dict | None, str | None]:
    """The line's account, or the problem with it (Xero's wording for an unknown code)."""
    wanted_id = str(line.get("AccountID") or "").lower()
    code = line.get("AccountCode")
    found = next((account for account in org["Accounts"]
                  if (wanted_id and account["AccountID"] == wanted_id)
                  or (not wanted_id and code and account.get("Code") == code)), None)
    named = wanted_id or code or ""
    if found is None:
        return None, f"Account code '{named}' is not a valid code for this document."
    if found["Status"] != "ACTIVE":
        return None, f"Account code '{named}' has been archived, or is invalid."
    return found, None


def saved_line(account: dict, line: dict, amount: Decimal) -> dict:
    """A line as Xero answers it: both the code and the id of its account."""
    return {"Description": line.get("Description") or "", "UnitAmount": amount,
            "TaxType": "NONE", "TaxAmount": Decimal("0.00"), "LineAmount": amount,
            "AccountCode": account.get("Code") or "", "AccountID": account["AccountID"],
            "Quantity": Decimal("1.0000"), "Tracking": [], "LineItemID": str(uuid.uuid4())}


def line_amount(line: dict) -> Decimal | None:
    """LineAmount, or Quantity (default 1) x UnitAmount, as Xero computes it, to the cent."""
    if line.get("LineAmount") is not None:
        amount = _number(line["LineAmount"])
    else:
        unit, quantity = _number(line.get("UnitAmount")), _number(line.get("Quantity", 1))
        amount = None if unit is None or quantity is None else unit * quantity
    return None if amount is None else amount.quantize(CENT, ROUND_HALF_UP)


def contact(org: dict, item: dict) -> dict | None:
    """By ContactID among the organisation's contacts; by Name, matched or created as Xero
    does when a transaction names a new contact."""
    wanted = item.get("Contact") or {}
    contacts = org.setdefault("Contacts", [])
    known = contacts + [invoice["Contact"] for invoice in org["Invoices"]]
    contact_id = str(wanted.get("ContactID") or "").lower()
    if contact_id:
        return next((found for found in known if found["ContactID"] == contact_id), None)
    name = str(wanted.get("Name") or "").strip()
    if not name:
        return None
    found = next((found for found in known if found["Name"] == name), None)
    if found is None:
        found = {"ContactID": str(uuid.uuid4()), "ContactStatus": "ACTIVE", "Name": name,
                 "Addresses": [], "Phones": [], "ContactGroups": [], "ContactPersons": [],
                 "IsSupplier": False, "IsCustomer": False, "HasValidationErrors": False}
        contacts.append(found)
    return found


def abridged(contact_found: dict) -> dict:
    return {key: contact_found[key] for key in ("ContactID", "Name")}


def date_problems(org: dict, value) -> list[str]:
    moment = _date(value)
    if moment is None:
        return [NO_DATE]
    locked = _locked_through(org)
    return [LOCKED] if locked is not None and moment <= locked else []


def rate_for(org: dict, currency: str, given) -> Decimal:
    """Xero's CurrencyRate for `currency`: 1 for the base, the one given, else the day's."""
    if currency == _base(org):
        return Decimal("1.000000")
    rate = _number(given) if given is not None else DAILY_RATES.get(currency)
    return (rate or Decimal(0)).quantize(RATE_PLACES, ROUND_HALF_UP)


def rate_problems(given) -> list[str]:
    return [NO_RATE] if given is not None and (_number(given) or 0) <= 0 else []


def echo(item: dict, problems: list[str]) -> dict:
    """The submitted element echoed with its messages (reference §3.2)."""
    return {**item, "ValidationErrors": [{"Message": message} for message in problems]}


def line_items_problems(org: dict, item: dict, *, bank_line: str, not_positive: str,
                        no_amount: str | None = None, control_refused: bool = False) -> list[str]:
    """What a bank transaction and a credit note check alike: untaxed, a valid CurrencyRate,
    LineItems on active non-bank accounts (and not AR/AP control accounts where
    `control_refused`), a positive total, a date after the lock. `no_amount`: the message for
    a line without an amount, when the write refuses one."""
    problems = [TAXED] if item.get("LineAmountTypes") not in (None, "NoTax") else []
    problems += rate_problems(item.get("CurrencyRate"))
    lines = item.get("LineItems")
    if not isinstance(lines, list) or not lines:
        return [*problems, NO_LINES, *date_problems(org, item.get("Date"))]
    total = Decimal(0)
    for line in lines:
        account, problem = line_account(org, line)
        if problem:
            problems.append(problem)
        elif account["Type"] == "BANK":
            problems.append(bank_line)
        elif control_refused and account.get("SystemAccount") in CONTROL_ACCOUNTS:
            problems.append(SYSTEM_ACCOUNT.format(account.get("Code") or account["Name"]))
        amount = line_amount(line)
        total += amount or 0
        if amount is None and no_amount:
            problems.append(no_amount)
    if total <= 0:
        problems.append(not_positive)
    return problems + date_problems(org, item.get("Date"))


def saved_lines(org: dict, item: dict) -> tuple[list[dict], Decimal]:
    """The LineItems as Xero answers them, and their total."""
    lines = [saved_line(line_account(org, line)[0], line, line_amount(line))
             for line in item["LineItems"]]
    return lines, sum((line["LineAmount"] for line in lines), Decimal("0.00"))
