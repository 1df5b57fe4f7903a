"""The checks QuickBooks makes before saving a JournalEntry, Deposit, Transfer or RefundReceipt,
each raising Intuit's fault (codes as in quickbooks_payment_checks; "Business Validation Error"
wording marked [verify] where no real answer was seen).

Shared rules: only properties Finance.xsd declares for the entity; CurrencyRef required in a
multicurrency company (a foreign one with its ExchangeRate); every account named exists, is
active and holds the transaction's currency or the home currency; amounts no finer than the
currency's unit; TxnDate after the books' closing date; text limits.
"""

from __future__ import annotations

from decimal import Decimal

from sandbox import quickbooks_data as data
from sandbox import quickbooks_payment_checks as checks
from sandbox.quickbooks_entities import RECEIVABLE, unit
from sandbox.quickbooks_payment_checks import Fault, business, invalid, missing, unsupported

# Finance.xsd Transaction (and IntuitEntity) properties, then each entity's own.
TRANSACTION_FIELDS = frozenset({
    "Id", "SyncToken", "MetaData", "CustomField", "AttachableRef", "domain", "status", "sparse",
    "DocNumber", "TxnDate", "DepartmentRef", "CurrencyRef", "ExchangeRate", "PrivateNote",
    "TxnStatus", "LinkedTxn", "Line", "TxnTaxDetail", "TxnSource", "TaxFormType", "TaxFormNum",
    "TransactionLocationType", "Tag", "TxnApprovalInfo", "RecurDataRef", "RecurringInfo",
    "ProjectRef", "TotalCostAmount", "HomeTotalCostAmount"})
FIELDS = {
    "JournalEntry": TRANSACTION_FIELDS | {"Adjustment", "EnteredInHomeCurrency",
                                          "HomeCurrencyAdjustment", "TotalAmt", "HomeTotalAmt",
                                          "GlobalTaxCalculation", "JournalEntryEx"},
    "Deposit": TRANSACTION_FIELDS | {"DepositToAccountRef", "CashBack", "TotalAmt",
                                     "HomeTotalAmt", "GlobalTaxCalculation", "DepositEx"},
    "Transfer": TRANSACTION_FIELDS | {"FromAccountRef", "ToAccountRef", "Amount", "ClassRef",
                                      "TransferEx"},
    "RefundReceipt": TRANSACTION_FIELDS | {
        "CustomerRef", "DepositToAccountRef", "PaymentRefNum", "PaymentMethodRef",
        "PaymentType", "TotalAmt", "HomeTotalAmt", "Balance", "HomeBalance", "ClassRef",
        "BillAddr", "ShipAddr", "BillEmail", "CustomerMemo", "PrintStatus", "EmailStatus",
        "ApplyTaxAfterDiscount", "GlobalTaxCalculation", "ARAccountRef", "CheckPayment",
        "CreditCardPayment", "RefundReceiptEx"},
}
LINE_FIELDS = {
    "JournalEntryLineDetail": frozenset({"Id", "LineNum", "Description", "Amount",
                                         "DetailType", "JournalEntryLineDetail", "LineEx"}),
    "DepositLineDetail": frozenset({"Id", "LineNum", "Description", "Amount", "DetailType",
                                    "DepositLineDetail", "LinkedTxn", "CustomField", "LineEx"}),
    "SalesItemLineDetail": frozenset({"Id", "LineNum", "Description", "Amount", "DetailType",
                                      "SalesItemLineDetail", "LineEx"}),
}
DETAIL_FIELDS = {
    "JournalEntryLineDetail": frozenset({"PostingType", "AccountRef", "Entity", "ClassRef",
                                         "DepartmentRef", "TaxCodeRef", "TaxApplicableOn",
                                         "TaxAmount", "BillableStatus"}),
    "DepositLineDetail": frozenset({"AccountRef", "Entity", "ClassRef", "CheckNum",
                                    "PaymentMethodRef", "TxnType", "TaxCodeRef",
                                    "TaxApplicableOn"}),
    "SalesItemLineDetail": frozenset({"ItemRef", "UnitPrice", "Qty", "TaxCodeRef",
                                      "ServiceDate", "ClassRef", "ItemAccountRef"}),
}
TEXT_LIMITS = {"DocNumber": 21, "PaymentRefNum": 21, "PrivateNote": 4000}
BALANCE_SHEET = frozenset({"Asset", "Liability", "Equity"})
# Accounts that need a customer or vendor named on the line (and may not be transferred).
NAMED_ONLY = frozenset({RECEIVABLE, "Accounts Payable"})


def parsed(body: object, entity: str) -> dict:
    """The request body as JSON (amounts as Decimal), with only properties Intuit knows."""
    request = checks.parsed_json(body, entity)
    for key in request:
        if key not in FIELDS[entity]:
            raise unsupported(key, entity)
    if request.get("Id"):
        raise Fault("500", "Unsupported Operation",
                    f"Operation {entity} update is not supported by Remit's sandbox")
    return request


def currency(realm: str, request: dict, owner: dict | None = None) -> tuple[str, Decimal | None]:
    """(currency, rate to stamp). A customer's transaction is in the customer's currency."""
    if owner is not None:
        return checks.currency(realm, request, owner)
    code = checks.reference(request, "CurrencyRef")
    if code is None and data.multicurrency(realm):
        raise missing("CurrencyRef")
    code = code or data.home_currency(realm)
    if code not in data.enabled_currencies(realm):
        raise checks.invalid_reference(f"Currency {code} is not enabled in this company")
    return code, checks.exchange_rate(realm, request, code)


def account(realm: str, request: dict, field: str, code: str) -> dict:
    """A required account reference, active, in the transaction's or the home currency."""
    account_id = checks.reference(request, field)
    if account_id is None:
        raise missing(field)
    found = checks.active_account(realm, account_id)
    if found["CurrencyRef"]["value"] not in (code, data.home_currency(realm)):
        raise business("The account's currency must be the transaction's currency or the "
                       "home currency.")  # [verify]
    return found


def deposit_to(realm: str, request: dict, code: str) -> dict:
    """DepositToAccountRef of a Deposit or RefundReceipt: required, Bank or Other Current
    Asset (reference §2.3; RefundReceipt's [verify], open question 4)."""
    found = account(realm, request, "DepositToAccountRef", code)
    if found["AccountType"] not in checks.DEPOSIT_TYPES:
        raise business("You need to select a different type of account for this "
                       "transaction.")  # [verify]
    return found


def money(value: object, field: str, code: str) -> Decimal:
    """An amount no finer than the currency's unit (a yen is whole, a dinar has 3 places)."""
    found = checks.amount(value, field)
    if found != found.quantize(unit(code)):
        raise invalid(field)  # [verify] how Intuit refuses 100.5 JPY
    return found


def lines(request: dict, detail_type: str) -> list[dict]:
    """The Line array, at least one line, each of `detail_type` with a known detail."""
    found = request.get("Line")
    if found is None or found == []:
        raise missing("Line")
    if not isinstance(found, list):
        raise invalid("Line")
    for line in found:
        if not isinstance(line, dict):
            raise invalid("Line")
        if line.get("DetailType") != detail_type:
            raise Fault("500", "Unsupported Operation", f"Remit's sandbox takes only "
                        f"{detail_type} lines here, not {line.get('DetailType')!r}.")
        for key in line:
            if key not in LINE_FIELDS[detail_type]:
                raise unsupported(key, "Line")
        detail = line.get(detail_type)
        if not isinstance(detail, dict):
            raise missing(f"Line.{detail_type}")
        for key in detail:
            if key not in DETAIL_FIELDS[detail_type]:
                raise unsupported(key, detail_type)
        if line.get("Amount") is None:
            raise missing("Line.Amount")
    return found


def named_line(found: dict, detail: dict) -> None:
    """A line on A/R or A/P needs its customer or vendor (Entity); the sandbox takes none."""
    if found["AccountType"] in NAMED_ONLY:
        if detail.get("Entity"):
            raise Fault("500", "Unsupported Operation", "Remit's sandbox takes no A/R or A/P "
                        "lines in journals or deposits.")
        raise business("You must select a customer or vendor in the Name field for a line "
                       "that uses Accounts Receivable or Accounts Payable.")  # [verify]


def item(realm: str, detail: dict) -> dict:
    item_id = checks.reference(detail, "ItemRef")
    if item_id is None:
        raise missing("Line.SalesItemLineDetail.ItemRef")
    found = data.find(realm, "Item", item_id)
    if found is None:
        raise checks.invalid_reference(f"Item element id {item_id} not found")  # [verify]
    if not found["Active"]:
        raise checks.invalid_reference("Something you're trying to use has been made inactive. "
                                       "Check the fields with accounts, customers, items, "
                                       "vendors or employees.")
    return found


def texts(request: dict) -> None:
    checks.texts(request, TEXT_LIMITS)
