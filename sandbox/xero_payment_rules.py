"""What the Xero stand-in checks before recording a customer payment against a sales invoice,
and what recording one changes (reference §2.5, §2.6), over one organisation's live data.

Xero's wording is used where it is known (reference §2.5, [S27]); the other messages are the
stand-in's own, since no real answer for them is public (reference §7.2) [verify]. Amounts are
Decimal: money is kept to 2 places and rates to 6, as Xero stores them.
"""

from __future__ import annotations

import copy
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sandbox import xero_books
from sandbox.xero_seed import ms_date

EXCEEDS = "Payment amount exceeds the amount outstanding on this document"  # Xero's
NOT_AUTHORISED = "Payments can only be made against Authorised documents"  # Xero's
NO_INVOICE = "Invoice could not be found"
NO_CREDIT_NOTE = "Credit note could not be found"
NO_ACCOUNT = "Account could not be found"
NOT_PAYABLE_ACCOUNT = ("Payments can only be made to a bank account or to an account with "
                       "payments enabled")
NOT_POSITIVE = "Payment amount must be greater than zero"
NO_DATE = "A valid payment date is required"
LOCKED = "The payment date cannot be on or before the period lock date"  # [verify] wording
NO_RATE = "A currency rate is required for payments on foreign currency documents"
THIRD_CURRENCY = ("The bank account must be in the currency of the document or in the "
                  "organisation's base currency")

CENT, RATE_PLACES = Decimal("0.01"), Decimal("0.000001")
MS_DATE = re.compile(r"/Date\((-?\d+)([+-]\d{4})?\)/")


@dataclass
class Outcome:
    """One answer per submitted payment (the created payment, or its echo with its
    ValidationErrors), the refused echoes alone, and whether anything was recorded."""

    answers: list[dict] = field(default_factory=list)
    refused: list[dict] = field(default_factory=list)
    recorded: bool = False


def record(org: dict, submitted: list[dict], summarize: bool) -> Outcome:
    """Check each payment against the documents (invoices, credit notes) as the earlier ones of
    the batch left them. `summarize` (Xero's summarizeErrors=true): one refusal records
    nothing; otherwise the valid ones are recorded and the refused ones answered beside them."""
    invoices, outcome, created = copy.deepcopy(org["Invoices"]), Outcome(), []
    credit_notes = copy.deepcopy(org.get("CreditNotes", []))
    for item in submitted:
        on_credit_note = "CreditNote" in item and "Invoice" not in item
        problems = (_credit_note_problems(org, credit_notes, item) if on_credit_note
                    else _problems(org, invoices, item))
        if problems:
            echo = _echo(item, problems)
            outcome.answers.append(echo)
            outcome.refused.append(echo)
        else:
            created.append(_refund(org, credit_notes, item) if on_credit_note
                           else _apply(org, invoices, item))
            outcome.answers.append(created[-1])
    if created and not (summarize and outcome.refused):
        org["Invoices"][:] = invoices
        org.setdefault("CreditNotes", [])[:] = credit_notes
        org["Payments"].extend(copy.deepcopy(created))
        outcome.recorded = True
    return outcome


def _credit_note_problems(org: dict, credit_notes: list[dict], item: dict) -> list[str]:
    """Cash paid out of a sales credit note (ARCREDITPAYMENT): the same rules as an invoice's
    payment, the credit note's RemainingCredit standing for the amount due."""
    wanted = str((item.get("CreditNote") or {}).get("CreditNoteID") or "").lower()
    credit_note = next((found for found in credit_notes if found["CreditNoteID"] == wanted),
                       None)
    if credit_note is None:
        return [NO_CREDIT_NOTE, *_account_problems(org, item)]
    as_invoice = {**credit_note, "AmountDue": credit_note["RemainingCredit"],
                  "InvoiceID": wanted}
    return _problems(org, [as_invoice], {**item, "Invoice": {"InvoiceID": wanted}})


def _account_problems(org: dict, item: dict) -> list[str]:
    account = _account(org, item)
    if account is None:
        return [NO_ACCOUNT]
    if account["Type"] != "BANK" and not account.get("EnablePaymentsToAccount"):
        return [NOT_PAYABLE_ACCOUNT]
    return []


def _refund(org: dict, credit_notes: list[dict], item: dict) -> dict:
    """Record a valid payment out of a credit note; its answer (PaymentType ARCREDITPAYMENT)."""
    wanted = str(item["CreditNote"]["CreditNoteID"]).lower()
    credit_note = next(found for found in credit_notes if found["CreditNoteID"] == wanted)
    as_invoice = {**credit_note, "AmountDue": credit_note["RemainingCredit"],
                  "AmountPaid": Decimal("0.00"), "InvoiceID": wanted, "Payments": []}
    answer = _apply(org, [as_invoice], {**item, "Invoice": {"InvoiceID": wanted}})
    amount = answer["Amount"]
    credit_note["RemainingCredit"] -= amount
    if credit_note["RemainingCredit"] == 0:
        credit_note["Status"] = "PAID"
        credit_note["FullyPaidOnDate"] = answer["Date"]
    credit_note["Payments"].append(as_invoice["Payments"][-1])
    credit_note["UpdatedDateUTC"] = answer["UpdatedDateUTC"]
    del answer["Invoice"]
    answer["PaymentType"] = "ARCREDITPAYMENT"
    answer["CreditNote"] = {key: value for key, value in credit_note.items()
                            if key not in ("Payments", "Allocations")}
    return answer


def _problems(org: dict, invoices: list[dict], item: dict) -> list[str]:
    invoice = _invoice(invoices, item)
    account = _account(org, item)
    problems = []
    if invoice is None:
        problems.append(NO_INVOICE)
    elif invoice["Status"] != "AUTHORISED":
        problems.append(NOT_AUTHORISED)
    if account is None:
        problems.append(NO_ACCOUNT)
    elif account["Type"] != "BANK" and not account.get("EnablePaymentsToAccount"):
        problems.append(NOT_PAYABLE_ACCOUNT)
    amount = _number(item.get("Amount"))
    if amount is None or amount <= 0:
        problems.append(NOT_POSITIVE)
    elif NOT_AUTHORISED not in problems and invoice and amount > invoice["AmountDue"]:
        problems.append(EXCEEDS)
    paid_on = _date(item.get("Date"))
    if paid_on is None:
        problems.append(NO_DATE)
    elif _locked_through(org) is not None and paid_on <= _locked_through(org):
        problems.append(LOCKED)
    if invoice is not None and account is not None:
        problems += _currency_problems(org, invoice, account, _number(item.get("CurrencyRate")))
    return problems


def _currency_problems(org: dict, invoice: dict, account: dict,
                       rate: Decimal | None) -> list[str]:
    """A foreign invoice needs the rate; the bank may be in its currency or the base one."""
    base, currency = _base(org), invoice["CurrencyCode"]
    problems = [NO_RATE] if currency != base and (rate is None or rate <= 0) else []
    if _bank_currency(org, account) not in (currency, base):
        problems.append(THIRD_CURRENCY)
    return problems


def _apply(org: dict, invoices: list[dict], item: dict) -> dict:
    """Record one valid payment on the working copy of the invoices; its answer."""
    invoice, account = _invoice(invoices, item), _account(org, item)
    amount = _number(item["Amount"]).quantize(CENT, ROUND_HALF_UP)
    rate = Decimal("1.000000")  # Xero ignores a rate given for a base-currency invoice
    if invoice["CurrencyCode"] != _base(org):
        rate = _number(item["CurrencyRate"]).quantize(RATE_PLACES, ROUND_HALF_UP)
        if rate != invoice["CurrencyRate"]:
            xero_books.gains_account(org)  # where the realised gain or loss is booked
    in_bank_currency = amount  # what reaches the account, in its currency
    if _bank_currency(org, account) != invoice["CurrencyCode"]:  # a base-currency account
        in_bank_currency = (amount / rate).quantize(CENT, ROUND_HALF_UP)
    paid_on, now, payment_id = _date(item["Date"]).isoformat(), datetime.now(UTC), str(
        uuid.uuid4())
    reference = item.get("Reference") or ""
    _settle(invoice, amount, paid_on, now)
    invoice["Payments"].append({
        "PaymentID": payment_id, "Date": ms_date(paid_on), "Amount": amount,
        "Reference": reference, "CurrencyRate": rate, "HasAccount": False,
        "HasValidationErrors": False})
    return {
        "PaymentID": payment_id, "Date": ms_date(paid_on), "BankAmount": in_bank_currency,
        "Amount": amount, "Reference": reference, "CurrencyRate": rate,
        "PaymentType": "ACCRECPAYMENT", "Status": "AUTHORISED", "UpdatedDateUTC": ms_date(now),
        "UpdatedDateUTCString": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "HasAccount": True,
        "IsReconciled": False, "HasValidationErrors": False,
        "Account": {key: account[key] for key in ("AccountID", "Code", "Name")},
        "Invoice": _embedded(invoice),
    }


def _settle(invoice: dict, amount: Decimal, paid_on: str, now: datetime) -> None:
    invoice["AmountPaid"] += amount
    invoice["AmountDue"] -= amount
    if invoice["AmountDue"] == 0:
        invoice["Status"], invoice["FullyPaidOnDate"] = "PAID", ms_date(paid_on)
    invoice["UpdatedDateUTC"] = ms_date(now)
    invoice["UpdatedDateUTCString"] = now.strftime("%Y-%m-%dT%H:%M:%SZ")


def _embedded(invoice: dict) -> dict:
    """The invoice inside a payment answer: without its own payments, contact abridged (spec
    PUT /Payments example)."""
    contact = invoice["Contact"]
    embedded = {key: value for key, value in invoice.items()
                if key not in ("Payments", "CreditNotes")}
    embedded["Contact"] = {"ContactID": contact["ContactID"], "Name": contact["Name"],
                           "ContactPersons": [], "HasValidationErrors": False}
    return copy.deepcopy(embedded)


def _echo(item: dict, problems: list[str]) -> dict:
    """The submitted payment as Xero echoes a refused element, with its messages."""
    echo = dict(item)
    for key, places in (("Amount", CENT), ("CurrencyRate", RATE_PLACES)):
        if _number(item.get(key)) is not None:  # as Xero writes numbers back
            echo[key] = _number(item[key]).quantize(places, ROUND_HALF_UP)
    paid_on = _date(item.get("Date"))
    if paid_on is not None:
        echo["Date"] = ms_date(paid_on.isoformat())
    echo["HasValidationErrors"] = True
    echo["ValidationErrors"] = [{"Message": message} for message in problems]
    return echo


def _invoice(invoices: list[dict], item: dict) -> dict | None:
    wanted = str((item.get("Invoice") or {}).get("InvoiceID") or "").lower()
    return next((invoice for invoice in invoices if invoice["InvoiceID"] == wanted), None)


def _account(org: dict, item: dict) -> dict | None:
    """By AccountID or Code, as Xero takes either; archived accounts take no payments."""
    wanted = item.get("Account") or {}
    by_id, code = str(wanted.get("AccountID") or "").lower(), wanted.get("Code")
    return next((account for account in org["Accounts"] if account["Status"] == "ACTIVE" and (
        account["AccountID"] == by_id or (code and account.get("Code") == code))), None)


def _bank_currency(org: dict, account: dict) -> str:
    """Only BANK accounts carry a currency; any other account books in the base currency."""
    return account.get("CurrencyCode") or _base(org) if account["Type"] == "BANK" else _base(org)


def lock_period(org: dict, through: date | None) -> None:
    """As an adviser setting (None: removing) the organisation's period lock date (Settings,
    Advanced, Financial settings): nothing dated on or before it can be recorded."""
    if through is None:
        org["Organisation"].pop("PeriodLockDate", None)
    else:
        org["Organisation"]["PeriodLockDate"] = ms_date(through.isoformat())


def _locked_through(org: dict) -> date | None:
    return _date(org["Organisation"].get("PeriodLockDate"))


def _base(org: dict) -> str:
    return org["Organisation"]["BaseCurrency"]


def _number(value) -> Decimal | None:
    """A JSON number read with parse_float=Decimal (ints stay int); anything else is none."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return None
    return Decimal(value)


def _date(value) -> date | None:
    """`/Date(ms[+hhmm])/` (what xero-python sends) or `YYYY-MM-DD[...]` (reference §2.9)."""
    if not isinstance(value, str):
        return None
    found = MS_DATE.fullmatch(value)
    if found:
        return datetime.fromtimestamp(int(found[1]) / 1000, UTC).date()
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
