"""Builders of QuickBooks entities exactly as Intuit serialises them, as pure functions.

Element names and enum values are Finance.xsd's; key order follows Intuit's answers. Amounts are
Decimal here and become JSON numbers on the wire (`dumps`), as Intuit sends them. The seed
companies (quickbooks_data) and the payment service (quickbooks_payments) share these, so an
entity looks the same whether it was seeded or created through the API.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

INTUIT_TIME = ZoneInfo("America/Los_Angeles")  # Intuit stamps answers in Pacific time
SEEDED_AT = "2026-01-05T09:12:41-08:00"
CENT = Decimal("0.01")

CURRENCY_NAMES = {"USD": "United States Dollar", "EUR": "Euro",
                  "GBP": "British Pound Sterling", "CAD": "Canadian Dollar",
                  "JPY": "Japanese Yen", "KWD": "Kuwaiti Dinar"}
# Decimal places of each currency's amounts (ISO 4217): QuickBooks keeps a yen invoice whole
# and a dinar invoice to the fils [verify against a real company with these currencies].
EXPONENTS = {"JPY": 0, "KWD": 3}
CLASSIFICATION = {
    "Bank": "Asset", "Other Current Asset": "Asset", "Accounts Receivable": "Asset",
    "Fixed Asset": "Asset", "Other Asset": "Asset", "Accounts Payable": "Liability",
    "Credit Card": "Liability", "Other Current Liability": "Liability",
    "Long Term Liability": "Liability", "Equity": "Equity", "Income": "Revenue",
    "Other Income": "Revenue", "Cost of Goods Sold": "Expense", "Expense": "Expense",
    "Other Expense": "Expense",
}
RECEIVABLE = "Accounts Receivable"


def intuit_now() -> datetime:
    return datetime.now(INTUIT_TIME)


def intuit_timestamp() -> str:
    return intuit_now().isoformat(timespec="seconds")


def dumps(body: dict) -> str:
    """JSON in the key order given (Intuit's), amounts as JSON numbers as on Intuit's wire."""
    return json.dumps(body, default=_wire_number)


def _wire_number(value: object) -> float:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def unit(currency: str) -> Decimal:
    """The smallest amount of `currency`: 1 yen, 0.001 dinar, else a cent."""
    return Decimal(1).scaleb(-EXPONENTS.get(currency, 2))


def meta(created: str = SEEDED_AT, updated: str | None = None) -> dict:
    return {"CreateTime": created, "LastUpdatedTime": updated or created}


def currency_ref(code: str) -> dict:
    return {"value": code, "name": CURRENCY_NAMES[code]}


def account(entity_id: str, name: str, account_type: str, subtype: str, currency: str,
            balance: str = "0", active: bool = True, parent: dict | None = None,
            created: str = SEEDED_AT) -> dict:
    """An Account entity; `parent` is the parent Account for a sub-account."""
    body: dict = {"Name": name, "SubAccount": parent is not None}
    if parent is not None:
        body["ParentRef"] = {"value": parent["Id"]}
    body.update({
        "FullyQualifiedName": f"{parent['Name']}:{name}" if parent else name,
        "Active": active, "Classification": CLASSIFICATION[account_type],
        "AccountType": account_type, "AccountSubType": subtype,
        "CurrentBalance": Decimal(balance), "CurrentBalanceWithSubAccounts": Decimal(balance),
        "CurrencyRef": currency_ref(currency),
        "domain": "QBO", "sparse": False, "Id": entity_id, "SyncToken": "0",
        "MetaData": meta(created),
    })
    return body


def company_currency(entity_id: str, code: str, active: bool = True) -> dict:
    return {"Code": code, "Name": CURRENCY_NAMES[code], "Active": active, "domain": "QBO",
            "sparse": False, "Id": entity_id, "SyncToken": "0", "MetaData": meta()}


def customer(entity_id: str, name: str, currency: str, email: str) -> dict:
    """A Customer entity (a company, not a person); Balance follows its open invoices."""
    return {
        "Taxable": False, "Job": False, "BillWithParent": False,
        "Balance": Decimal("0"), "BalanceWithJobs": Decimal("0"),
        "CurrencyRef": currency_ref(currency), "PreferredDeliveryMethod": "Email",
        "IsProject": False, "domain": "QBO", "sparse": False, "Id": entity_id,
        "SyncToken": "0", "MetaData": meta(),
        "FullyQualifiedName": name, "CompanyName": name, "DisplayName": name,
        "PrintOnCheckName": name, "Active": True, "PrimaryEmailAddr": {"Address": email},
    }


def item(entity_id: str, name: str, income_account: dict, price: str = "0") -> dict:
    """A Service Item whose sales are booked to `income_account` (an Income Account)."""
    return {"Name": name, "Description": name, "Active": True, "FullyQualifiedName": name,
            "Taxable": False, "UnitPrice": Decimal(price), "Type": "Service",
            "IncomeAccountRef": {"value": income_account["Id"], "name": income_account["Name"]},
            "PurchaseCost": Decimal("0"), "TrackQtyOnHand": False, "domain": "QBO",
            "sparse": False, "Id": entity_id, "SyncToken": "0", "MetaData": meta()}


def invoice(entity_id: str, number: str, owner: dict, amount: Decimal, receivable: dict,
            dates: tuple[str, str], exchange_rate: Decimal | None,
            sold: dict | None = None) -> dict:
    """An open Invoice for `owner` (a Customer) on `receivable` (its A/R account), one line of
    `sold` (an Item; the seed's "Services", id 1, when None).

    `dates` is (TxnDate, DueDate); `exchange_rate` is None in a single-currency company, where
    Intuit sends no ExchangeRate, and 1 for the home currency, which has no Home* amounts."""
    item_ref = ({"value": "1", "name": "Services"} if sold is None
                else {"value": sold["Id"], "name": sold["Name"]})
    line = {"Id": "1", "LineNum": 1, "Description": "Sandbox services", "Amount": amount,
            "DetailType": "SalesItemLineDetail",
            "SalesItemLineDetail": {"ItemRef": item_ref, "UnitPrice": amount, "Qty": 1}}
    body = {
        "AllowOnlineCreditCardPayment": False, "AllowOnlineACHPayment": False,
        "domain": "QBO", "sparse": False, "Id": entity_id, "SyncToken": "0",
        "MetaData": meta(f"{dates[0]}T10:00:00-08:00"),
        "DocNumber": number, "TxnDate": dates[0], "CurrencyRef": owner["CurrencyRef"],
        "LinkedTxn": [],
        "Line": [line, {"Amount": amount, "DetailType": "SubTotalLineDetail",
                        "SubTotalLineDetail": {}}],
        "CustomerRef": {"value": owner["Id"], "name": owner["DisplayName"]},
        "ARAccountRef": {"value": receivable["Id"], "name": receivable["Name"]},
        "DueDate": dates[1], "TotalAmt": amount, "PrintStatus": "NotSet",
        "EmailStatus": "NotSet", "Balance": amount,
    }
    if exchange_rate is not None:
        body["ExchangeRate"] = exchange_rate
    if exchange_rate is not None and exchange_rate != 1:
        body["HomeTotalAmt"] = body["HomeBalance"] = (amount * exchange_rate).quantize(CENT)
    return body


def void(found: dict) -> None:
    """What voiding an invoice in QuickBooks' UI leaves: every amount zero and the note
    "Voided" [verify: Intuit documents no void flag on Invoice; this is what its answers show]."""
    zero = Decimal("0.00")
    for line in found["Line"]:
        line["Amount"] = zero
        if "SalesItemLineDetail" in line:
            line["SalesItemLineDetail"]["UnitPrice"] = zero
    found.update(PrivateNote="Voided", TotalAmt=zero, Balance=zero,
                 SyncToken=str(int(found["SyncToken"]) + 1))
    for home in ("HomeTotalAmt", "HomeBalance"):
        if home in found:
            found[home] = zero
