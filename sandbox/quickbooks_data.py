"""The Intuit stand-in's ledgers: seed companies and the in-memory state the API answers from.

Entities are kept exactly as QuickBooks serialises them (Finance.xsd element names, key order as
Intuit sends them), one list per entity name, so the query endpoint can answer any of them the
same way. `reset()` puts the seed back.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

US_REALM = "9341453050298431"
SINGLE_CURRENCY_REALM = "9341453050298432"
INTUIT_TIME = ZoneInfo("America/Los_Angeles")  # Intuit stamps answers in Pacific time
SEEDED_AT = "2026-01-05T09:12:41-08:00"

CURRENCY_NAMES = {"USD": "United States Dollar", "EUR": "Euro",
                  "GBP": "British Pound Sterling", "CAD": "Canadian Dollar"}
CLASSIFICATION = {
    "Bank": "Asset", "Other Current Asset": "Asset", "Accounts Receivable": "Asset",
    "Accounts Payable": "Liability", "Equity": "Equity", "Income": "Revenue",
    "Expense": "Expense", "Other Expense": "Expense",
}
RECEIVABLE = "Accounts Receivable"


def intuit_now() -> datetime:
    return datetime.now(INTUIT_TIME)


def dumps(body: dict) -> str:
    """JSON in the key order given (Intuit's), amounts as JSON numbers as on Intuit's wire."""
    return json.dumps(body, default=_wire_number)


def _wire_number(value: object) -> float:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _meta(created: str = SEEDED_AT) -> dict:
    return {"CreateTime": created, "LastUpdatedTime": created}


def _address(line1: str, city: str, region: str, postcode: str, country: str) -> dict:
    return {"Id": "1", "Line1": line1, "City": city, "CountrySubDivisionCode": region,
            "PostalCode": postcode, "Country": country}


def _company(name: str, country: str, address: dict, fiscal_month: str) -> dict:
    """A CompanyInfo entity as GET /companyinfo/{realm} returns it."""
    return {
        "CompanyName": name, "LegalName": name,
        "CompanyAddr": address, "CustomerCommunicationAddr": address, "LegalAddr": address,
        "PrimaryPhone": {}, "CompanyStartDate": "2026-01-05",
        "FiscalYearStartMonth": fiscal_month, "Country": country,
        "Email": {"Address": "noreply@quickbooks.com"}, "WebAddr": {},
        "SupportedLanguages": "en",
        "NameValue": [
            {"Name": "NeoEnabled", "Value": "true"},
            {"Name": "IsQbdtMigrated", "Value": "false"},
            {"Name": "CompanyType", "Value": "Other"},
            {"Name": "SubscriptionStatus", "Value": "SUBSCRIBED"},
            {"Name": "OfferingSku", "Value": "QuickBooks Online Plus"},
            {"Name": "PayrollFeature", "Value": "false"},
            {"Name": "AccountantFeature", "Value": "false"},
        ],
        "domain": "QBO", "sparse": False, "Id": "1", "SyncToken": "3",
        "MetaData": {"CreateTime": SEEDED_AT, "LastUpdatedTime": "2026-01-20T11:02:13-08:00"},
    }


def _preferences(home_currency: str, multicurrency: bool, fiscal_month: str) -> dict:
    """A Preferences entity (the parts a fresh sandbox company shows) as GET /preferences does."""
    return {
        "AccountingInfoPrefs": {
            "FirstMonthOfFiscalYear": fiscal_month, "UseAccountNumbers": False,
            "TaxYearMonth": fiscal_month, "ClassTrackingPerTxn": False,
            "TrackDepartments": False, "DepartmentTerminology": "Location",
            "ClassTrackingPerTxnLine": False, "CustomerTerminology": "Customers",
        },
        "ProductAndServicesPrefs": {"ForSales": True, "ForPurchase": True,
                                    "QuantityWithPriceAndRate": True, "QuantityOnHand": True},
        "SalesFormsPrefs": {"AllowDeposit": True, "AllowDiscount": True, "AllowEstimates": True,
                            "AllowShipping": False, "AllowServiceDate": False,
                            "ETransactionEnabledStatus": "NotApplicable",
                            "IPNSupportEnabled": False, "UsingPriceLevels": False,
                            "DefaultTerms": {"value": "3"}},
        "CurrencyPrefs": {"MultiCurrencyEnabled": multicurrency,
                          "HomeCurrency": {"value": home_currency}},
        "ReportPrefs": {"ReportBasis": "Accrual", "CalcAgingReportFromTxnDate": False},
        "OtherPrefs": {"NameValue": [
            {"Name": "SalesFormsPrefs.DefaultCustomerMessage", "Value": "Thank you!"},
            {"Name": "SalesFormsPrefs.UseSalesTax", "Value": "false"},
        ]},
        "domain": "QBO", "sparse": False, "Id": "1", "SyncToken": "5",
        "MetaData": {"CreateTime": SEEDED_AT, "LastUpdatedTime": "2026-01-20T11:02:13-08:00"},
    }


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
        "CurrencyRef": {"value": currency, "name": CURRENCY_NAMES[currency]},
        "domain": "QBO", "sparse": False, "Id": entity_id, "SyncToken": "0",
        "MetaData": _meta(created),
    })
    return body


def _company_currency(entity_id: str, code: str, active: bool = True) -> dict:
    return {"Code": code, "Name": CURRENCY_NAMES[code], "Active": active, "domain": "QBO",
            "sparse": False, "Id": entity_id, "SyncToken": "0", "MetaData": _meta()}


def _us_accounts() -> list[dict]:
    """USD home, EUR and GBP enabled; A/R exists in USD only (no EUR invoice yet)."""
    checking = account("35", "Checking", "Bank", "Checking", "USD", "12500.00")
    return [
        account("4", "Undeposited Funds", "Other Current Asset", "UndepositedFunds", "USD",
                "4380.52"),
        checking,
        account("36", "Savings", "Bank", "Savings", "USD", "800.00"),
        account("37", "Petty Cash", "Bank", "CashOnHand", "USD", "150.00", parent=checking),
        account("38", "Old Operating Account", "Bank", "Checking", "USD", active=False),
        account("92", "Business EUR Account", "Bank", "Checking", "EUR", "3100.00"),
        account("93", "Business GBP Account", "Bank", "Checking", "GBP", "950.00"),
        account("95", "Stripe Clearing", "Other Current Asset", "OtherCurrentAssets", "USD"),
        account("3", "Prepaid Expenses", "Other Current Asset", "PrepaidExpenses", "USD"),
        account("84", "Accounts Receivable (A/R)", RECEIVABLE, "AccountsReceivable", "USD",
                "5281.52"),
        account("33", "Accounts Payable (A/P)", "Accounts Payable", "AccountsPayable", "USD",
                "1602.67"),
        account("34", "Opening Balance Equity", "Equity", "OpeningBalanceEquity", "USD"),
        account("79", "Sales of Product Income", "Income", "SalesOfProductIncome", "USD"),
        account("1", "Services", "Income", "ServiceFeeIncome", "USD"),
        account("7", "Advertising", "Expense", "AdvertisingPromotional", "USD"),
        account("8", "Bank Charges", "Expense", "BankCharges", "USD"),
        account("94", "Exchange Gain or Loss", "Other Expense", "ExchangeGainOrLoss", "USD"),
    ]


def _gb_accounts() -> list[dict]:
    """A single-currency GBP company: every account is in the home currency."""
    return [
        account("4", "Undeposited Funds", "Other Current Asset", "UndepositedFunds", "GBP"),
        account("35", "Current Account", "Bank", "Checking", "GBP", "2200.00"),
        account("84", "Accounts Receivable (A/R)", RECEIVABLE, "AccountsReceivable", "GBP"),
        account("33", "Accounts Payable (A/P)", "Accounts Payable", "AccountsPayable", "GBP"),
        account("1", "Sales", "Income", "SalesOfProductIncome", "GBP"),
        account("8", "Bank Charges", "Expense", "BankCharges", "GBP"),
    ]


def seed() -> dict[str, dict]:
    """Realm id -> entity name -> entity or list of entities."""
    return {
        US_REALM: {
            "CompanyInfo": _company("Remit Sandbox Company US", "US", _address(
                "2600 Marine Way", "Mountain View", "CA", "94043", "USA"), "January"),
            "Preferences": _preferences("USD", True, "January"),
            "Account": _us_accounts(),
            "CompanyCurrency": [_company_currency("1", "EUR"), _company_currency("2", "GBP"),
                                _company_currency("3", "CAD", active=False)],
            "Invoice": [],
        },
        SINGLE_CURRENCY_REALM: {
            "CompanyInfo": _company("Remit Sandbox Company (single currency)", "GB", _address(
                "1 Poultry", "London", "LND", "EC2R 8EJ", "GBR"), "April"),
            "Preferences": _preferences("GBP", False, "April"),
            "Account": _gb_accounts(),
            "CompanyCurrency": [],
            "Invoice": [],
        },
    }


COMPANIES: dict[str, dict] = seed()


def reset() -> None:
    COMPANIES.clear()
    COMPANIES.update(seed())


def home_currency(realm: str) -> str:
    return COMPANIES[realm]["Preferences"]["CurrencyPrefs"]["HomeCurrency"]["value"]


def enabled_currencies(realm: str) -> list[str]:
    """The home currency, then the active foreign ones (none when multicurrency is off)."""
    company = COMPANIES[realm]
    foreign = [c["Code"] for c in company["CompanyCurrency"] if c["Active"]]
    multicurrency = company["Preferences"]["CurrencyPrefs"]["MultiCurrencyEnabled"]
    return [home_currency(realm), *(foreign if multicurrency else [])]


def receivable_account(realm: str, currency: str) -> dict | None:
    return next((a for a in COMPANIES[realm]["Account"] if a["AccountType"] == RECEIVABLE
                 and a["Active"] and a["CurrencyRef"]["value"] == currency), None)


def create_invoice(realm: str, currency: str, amount: Decimal = Decimal("100.00")) -> dict:
    """Save an invoice in `currency`. As QuickBooks does, the first one in a foreign currency
    creates that currency's A/R account ("Accounts Receivable (A/R) - EUR").

    Raises LookupError for an unknown realm, ValueError for a currency the company lacks."""
    if realm not in COMPANIES:
        raise LookupError(f"no sandbox company {realm}")
    if currency not in enabled_currencies(realm):
        raise ValueError(f"{currency} is not enabled in company {realm}")
    company, created = COMPANIES[realm], intuit_now().isoformat(timespec="seconds")
    receivable = receivable_account(realm, currency)
    if receivable is None:
        receivable = account(_next_id(company["Account"]),
                             f"Accounts Receivable (A/R) - {currency}", RECEIVABLE,
                             "AccountsReceivable", currency, created=created)
        company["Account"].append(receivable)
    invoice = _invoice(_next_id(company["Invoice"], 129), currency, amount, receivable, created)
    company["Invoice"].append(invoice)
    receivable["CurrentBalance"] += amount
    receivable["CurrentBalanceWithSubAccounts"] += amount
    return invoice


def _invoice(entity_id: str, currency: str, amount: Decimal, receivable: dict,
             created: str) -> dict:
    line = {"Id": "1", "LineNum": 1, "Description": "Sandbox services", "Amount": amount,
            "DetailType": "SalesItemLineDetail",
            "SalesItemLineDetail": {"ItemRef": {"value": "1", "name": "Services"},
                                    "UnitPrice": amount, "Qty": 1}}
    return {
        "DocNumber": entity_id, "TxnDate": created[:10],
        "CurrencyRef": {"value": currency, "name": CURRENCY_NAMES[currency]},
        "Line": [line, {"Amount": amount, "DetailType": "SubTotalLineDetail",
                        "SubTotalLineDetail": {}}],
        "CustomerRef": {"value": "58", "name": f"Sandbox {currency} Customer"},
        "ARAccountRef": {"value": receivable["Id"], "name": receivable["Name"]},
        "TotalAmt": amount, "Balance": amount, "domain": "QBO", "sparse": False,
        "Id": entity_id, "SyncToken": "0", "MetaData": _meta(created),
    }


def _next_id(entities: list[dict], floor: int = 100) -> str:
    """QuickBooks ids are numeric strings, increasing per entity type."""
    return str(max([floor, *(int(e["Id"]) for e in entities)]) + 1)
