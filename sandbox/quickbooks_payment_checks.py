"""The checks QuickBooks makes before saving a Payment, each raising Intuit's fault.

Codes and wording: 2010, 2020, 2050, 2500 and 610 are Intuit's documented validation faults;
6000 "A business validation error has occurred while processing your request" carries a
"Business Validation Error: ..." detail whose exact text is marked [verify] where it was not
seen in a real answer.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation

from sandbox import quickbooks_data as data
from sandbox.quickbooks_entities import RECEIVABLE

# Finance.xsd Payment (and its Transaction / IntuitEntity bases): anything else is refused, as
# Intuit's JSON reader refuses unknown properties.
PAYMENT_FIELDS = frozenset({
    "Id", "SyncToken", "MetaData", "CustomField", "AttachableRef", "domain", "status", "sparse",
    "DocNumber", "TxnDate", "DepartmentRef", "CurrencyRef", "ExchangeRate", "PrivateNote",
    "TxnStatus", "LinkedTxn", "Line", "TxnTaxDetail", "TxnSource", "TaxFormType", "TaxFormNum",
    "TransactionLocationType", "Tag", "TxnApprovalInfo", "RecurDataRef", "RecurringInfo",
    "ProjectRef", "TotalCostAmount", "HomeTotalCostAmount", "CustomerRef", "RemitToRef",
    "ARAccountRef", "DepositToAccountRef", "PaymentMethodRef", "PaymentRefNum", "PaymentType",
    "CheckPayment", "CreditCardPayment", "TotalAmt", "UnappliedAmt", "ProcessPayment",
    "PaymentEx"})
LINE_FIELDS = frozenset({"Id", "LineNum", "Description", "Amount", "LinkedTxn", "LineEx"})
LINKED_FIELDS = frozenset({"TxnId", "TxnType", "TxnLineId"})
DEPOSIT_TYPES = frozenset({"Bank", "Other Current Asset"})
TEXT_LIMITS = {"PaymentRefNum": 21, "PrivateNote": 4000}
BOOKS_CLOSED = "6200"  # [verify] the fault code of "Account Period Closed"
BUSINESS = "A business validation error has occurred while processing your request"
SAME_CURRENCY = ("Business Validation Error: The transaction needs to be in the same currency "
                 "as the A/R and A/P accounts you use.")  # reference §2.4; code [verify]


class Fault(Exception):
    """Answered as an HTTP 400 ValidationFault with this code, message and detail."""

    def __init__(self, code: str, message: str, detail: str, element: str | None = None):
        super().__init__(detail)
        self.code, self.message, self.detail, self.element = code, message, detail, element


def business(detail: str) -> Fault:
    return Fault("6000", BUSINESS, f"Business Validation Error: {detail}")


def unsupported(field: str, entity: str = "Payment") -> Fault:
    return Fault("2010", "Request has invalid or unsupported property",
                 f'Property Name:Unrecognized field "{field}" (class '
                 f"com.intuit.schema.finance.v3.{entity}), not marked as ignorable specified "
                 "is unsupported or invalid")


def invalid(field: str) -> Fault:
    return Fault("2010", "Request has invalid or unsupported property",
                 f"Property Name:{field} specified is unsupported or invalid")


def missing(field: str) -> Fault:
    return Fault("2020", "Required param missing, need to supply the required value for the API",
                 f"Required parameter {field} is missing in the request")


def invalid_reference(detail: str) -> Fault:
    return Fault("2500", "Invalid Reference Id", f"Invalid Reference Id : {detail}")


def parsed_json(body: object, entity: str) -> dict:
    """The request body as a JSON object (amounts as Decimal)."""
    try:
        request = json.loads(body, parse_float=Decimal) if isinstance(body, str | bytes) else body
    except ValueError:
        raise invalid(entity) from None
    if not isinstance(request, dict):
        raise invalid(entity)
    return request


def parsed(body: object) -> dict:
    """The request body as JSON (amounts as Decimal), with only properties Intuit knows."""
    request = parsed_json(body, "Payment")
    for key in request:
        if key not in PAYMENT_FIELDS:
            raise unsupported(key)
    if request.get("Id"):
        raise Fault("500", "Unsupported Operation",
                    "Operation Payment update is not supported by Remit's sandbox")
    for required in ("CustomerRef", "TotalAmt"):
        if request.get(required) is None:
            raise missing(required)
    return request


def amount(value: object, field: str) -> Decimal:
    """An xs:decimal as JSON number or string (python-quickbooks sends Decimals as strings)."""
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise invalid(field)
    try:
        found = Decimal(str(value))
    except InvalidOperation:
        raise invalid(field) from None
    if not found.is_finite():
        raise invalid(field)
    return found


def reference(request: dict, field: str) -> str | None:
    ref = request.get(field)
    if ref is None:
        return None
    if not isinstance(ref, dict) or not str(ref.get("value") or "").strip():
        raise invalid_reference(f"{field} has no value")
    return str(ref["value"])


def customer(realm: str, request: dict) -> dict:
    customer_id = str(reference(request, "CustomerRef"))
    found = data.find(realm, "Customer", customer_id)
    if found is None:
        raise invalid_reference(f"Names element id {customer_id} not found")  # [verify]
    if not found["Active"]:
        raise invalid_reference("Something you're trying to use has been made inactive. Check "
                                "the fields with accounts, customers, items, vendors or "
                                "employees.")
    return found


def currency(realm: str, request: dict, owner: dict) -> tuple[str, Decimal | None]:
    """(currency, exchange rate to stamp): required in a multicurrency company; the customer's,
    the invoices' and the A/R account's currency must all be this one."""
    code = reference(request, "CurrencyRef")
    if code is None and data.multicurrency(realm):
        raise missing("CurrencyRef")
    code = code or data.home_currency(realm)
    if code not in data.enabled_currencies(realm):
        raise invalid_reference(f"Currency {code} is not enabled in this company")  # [verify]
    if owner["CurrencyRef"]["value"] != code:
        raise business("The transaction currency must be the customer's currency.")  # [verify]
    return code, exchange_rate(realm, request, code)


def exchange_rate(realm: str, request: dict, code: str) -> Decimal | None:
    """Home units per foreign unit: required for a foreign currency [verify: Intuit may fall back
    to its own rate table], exactly 1 (or absent) at home, None without multicurrency."""
    given = request.get("ExchangeRate")
    rate = amount(given, "ExchangeRate") if given is not None else None
    if code == data.home_currency(realm):
        if rate is not None and rate != 1:
            raise business("The exchange rate of a home-currency transaction must be 1.")
        return Decimal("1") if data.multicurrency(realm) else None
    if rate is None:
        raise missing("ExchangeRate")  # [verify]
    if rate <= 0:
        raise business("The exchange rate must be more than zero.")  # [verify]
    return rate


def deposit_account(realm: str, request: dict, code: str) -> dict:
    """DepositToAccountRef: Bank or Other Current Asset, active, in the payment's or the home
    currency [verify: open question 1]; omitted means Undeposited Funds, as at Intuit."""
    account_id = reference(request, "DepositToAccountRef")
    if account_id is None:
        return next(a for a in data.COMPANIES[realm]["Account"]
                    if a["AccountSubType"] == "UndepositedFunds")
    found = active_account(realm, account_id)
    if found["AccountType"] not in DEPOSIT_TYPES:
        raise business("You need to select a different type of account for this "
                       "transaction.")  # [verify]
    if found["CurrencyRef"]["value"] not in (code, data.home_currency(realm)):
        raise business("The account's currency must be the transaction's currency or the "
                       "home currency.")  # [verify]
    return found


def receivable_account(realm: str, request: dict, code: str) -> dict:
    """ARAccountRef: an Accounts Receivable account in the payment's currency; omitted means
    that currency's A/R account."""
    account_id = reference(request, "ARAccountRef")
    if account_id is None:
        found = data.receivable_account(realm, code)
        if found is None:
            raise Fault("6000", BUSINESS, SAME_CURRENCY)
        return found
    found = active_account(realm, account_id)
    if found["AccountType"] != RECEIVABLE:
        raise business("ARAccountRef must be an Accounts Receivable account.")  # [verify]
    if found["CurrencyRef"]["value"] != code:
        raise Fault("6000", BUSINESS, SAME_CURRENCY)
    return found


def active_account(realm: str, account_id: str) -> dict:
    found = data.find(realm, "Account", account_id)
    if found is None:
        raise invalid_reference(f"Accounts element id {account_id} not found")  # [verify]
    if not found["Active"]:
        raise invalid_reference(f"Account {found['Name']} has been made inactive.")  # [verify]
    return found


def applications(realm: str, request: dict, owner: dict, code: str) -> list[tuple[dict, Decimal]]:
    """(invoice, amount) per Line; together they may not exceed any invoice's balance due."""
    lines = request.get("Line") or []
    if not isinstance(lines, list):
        raise invalid("Line")
    applied = [_application(realm, line, owner, code) for line in lines]
    due: dict[str, Decimal] = {}
    for found, value in applied:
        due[found["Id"]] = due.get(found["Id"], Decimal(0)) + value
        if due[found["Id"]] > found["Balance"]:
            raise business(f"The amount applied to invoice {found['DocNumber']} "
                           f"({due[found['Id']]}) is more than its balance due "
                           f"({found['Balance']}).")  # [verify]
    return applied


def _application(realm: str, line: object, owner: dict, code: str) -> tuple[dict, Decimal]:
    if not isinstance(line, dict):
        raise invalid("Line")
    for key in line:
        if key not in LINE_FIELDS:
            raise unsupported(key, "Line")
    if line.get("Amount") is None:
        raise missing("Line.Amount")
    value = amount(line["Amount"], "Amount")
    if value <= 0:
        raise business("A payment line's amount must be more than zero.")  # [verify]
    linked = line.get("LinkedTxn")
    if not isinstance(linked, list) or len(linked) != 1:
        raise Fault("500", "Unsupported Operation", "Remit's sandbox applies each payment "
                    "line to exactly one transaction (LinkedTxn).")
    return _linked_invoice(realm, linked[0], owner, code), value


def _linked_invoice(realm: str, linked: object, owner: dict, code: str) -> dict:
    if not isinstance(linked, dict):
        raise invalid("LinkedTxn")
    for key in linked:
        if key not in LINKED_FIELDS:
            raise unsupported(key, "LinkedTxn")
    if linked.get("TxnType") != "Invoice":
        raise Fault("500", "Unsupported Operation", "Remit's sandbox links payments to "
                    f"invoices only, not {linked.get('TxnType')!r}.")
    found = data.find(realm, "Invoice", linked.get("TxnId"))
    if found is None:
        raise invalid_reference(f"Invoice {linked.get('TxnId')} not found")  # [verify]
    if found["CustomerRef"]["value"] != owner["Id"]:
        raise business(f"Invoice {found['DocNumber']} belongs to another customer.")  # [verify]
    if found["CurrencyRef"]["value"] != code:
        raise Fault("6000", BUSINESS, SAME_CURRENCY)
    return found


def total(request: dict, applied: list[tuple[dict, Decimal]]) -> Decimal:
    """TotalAmt: at least what the lines apply; any remainder becomes customer credit
    (UnappliedAmt), as QuickBooks records it."""
    value = amount(request["TotalAmt"], "TotalAmt")
    if value < 0:
        raise business("The payment amount cannot be negative.")  # [verify]
    if value < sum(part for _, part in applied):
        raise business("The amount applied to transactions is more than the payment "
                       "amount.")  # [verify]
    return value


def texts(request: dict, limits: dict[str, int] = TEXT_LIMITS) -> None:
    for field, limit in limits.items():
        value = request.get(field)
        if value is None:
            continue
        if not isinstance(value, str):
            raise invalid(field)
        if len(value) > limit:
            raise Fault("2050", "String length is either shorter or longer than supported by "
                        "specification", "String length specified does not match the supported "
                        f"length. Min:0 Max:{limit} supplied:{len(value)}", element=field)


def books_open(realm: str, paid_on: date) -> None:
    """A closing date refuses every transaction dated on or before it, through the API too
    (QuickBooks then says to use its website). Code and wording [verify]: seen second-hand as
    "Account Period Closed"."""
    closed = data.COMPANIES[realm]["Preferences"]["AccountingInfoPrefs"].get("BookCloseDate")
    if closed and paid_on <= date.fromisoformat(closed):
        raise Fault(BOOKS_CLOSED, "Account Period Closed",
                    "The account period has closed and the account books cannot be updated "
                    "through the QBO Services API. Please use the QBO website to make these "
                    "changes.")


def txn_date(request: dict) -> date | None:
    """TxnDate as YYYY-MM-DD; None when omitted (Intuit then uses the company's today)."""
    value = request.get("TxnDate")
    if value is None:
        return None
    if not isinstance(value, str) or len(value) != len("2026-01-20"):
        raise invalid("TxnDate")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid("TxnDate") from None
