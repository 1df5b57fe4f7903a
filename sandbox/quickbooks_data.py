"""The Intuit stand-in's ledgers: seed companies and the in-memory state the API answers from.

Entities are kept exactly as QuickBooks serialises them (quickbooks_entities), one list per
entity name, so the query endpoint can answer any of them the same way. `reset()` puts the seed
back: two companies, each with customers and open invoices to pay.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sandbox import quickbooks_ledger as ledger
from sandbox.quickbooks_entities import (
    RECEIVABLE,
    SEEDED_AT,
    account,
    company_currency,
    customer,
    intuit_now,
    intuit_timestamp,
    invoice,
    item,
    meta,
    unit,
    void,
)

US_REALM = "9341453050298431"
SINGLE_CURRENCY_REALM = "9341453050298432"
# Home units per foreign unit, as QuickBooks' own rate table would give them.
RATES = {("USD", "EUR"): Decimal("1.0856"), ("USD", "GBP"): Decimal("1.2714"),
         ("USD", "JPY"): Decimal("0.006712"), ("USD", "KWD"): Decimal("3.2573")}
FIRST_INVOICE_NUMBER = 1001


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
        "MetaData": meta(SEEDED_AT, "2026-01-20T11:02:13-08:00"),
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
        "MetaData": meta(SEEDED_AT, "2026-01-20T11:02:13-08:00"),
    }


def _us_accounts() -> list[dict]:
    """USD home, EUR, GBP, JPY and KWD enabled; A/R exists in USD and KWD (the seeded dinar
    invoices made it), not yet in EUR, GBP or JPY."""
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
        account("96", "Accounts Receivable (A/R) - KWD", RECEIVABLE, "AccountsReceivable",
                "KWD", "225.375"),
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
        account("84", "Accounts Receivable (A/R)", RECEIVABLE, "AccountsReceivable", "GBP",
                "480.00"),
        account("33", "Accounts Payable (A/P)", "Accounts Payable", "AccountsPayable", "GBP"),
        account("1", "Sales", "Income", "SalesOfProductIncome", "GBP"),
        account("8", "Bank Charges", "Expense", "BankCharges", "GBP"),
    ]


def _us_customers() -> list[dict]:
    """One customer per currency the US company invoices in, plus a second USD one."""
    return [customer("1", "Amy's Bird Sanctuary", "USD", "birds@example.com"),
            customer("2", "Bill's Windsurf Shop", "USD", "surf@example.com"),
            customer("58", "Boulangerie Lemaire SARL", "EUR", "compta@example.fr"),
            customer("59", "Thames Tea Traders Ltd", "GBP", "accounts@example.co.uk"),
            customer("60", "Sakura Stationery KK", "JPY", "keiri@example.jp"),
            customer("61", "Gulf Pearl Trading WLL", "KWD", "finance@example.com.kw")]


def _items(company: dict) -> list[dict]:
    """What the seeded invoices sell: "Services", booked to the company's first Income
    account (RefundReceipt lines name it too)."""
    incomes = [a for a in company["Account"] if a["AccountType"] == "Income"]
    income = next((a for a in incomes if a["AccountSubType"] == "ServiceFeeIncome"), incomes[0])
    return [item("1", "Services", income)]


# The seeded dinar invoices keep ids below the first one the API makes (133) and numbers
# outside the 1001... sequence, so invoices created later are numbered as before.
KWD_INVOICES = (("127", "K-1001", Decimal("150.250"), ("2026-01-16", "2026-02-15")),
                ("128", "K-1002", Decimal("75.125"), ("2026-01-19", "2026-02-18")))


def _seed_invoices(realm: str) -> None:
    """US: two open USD invoices for Amy's Bird Sanctuary, a voided one for Bill's Windsurf
    Shop and two open KWD ones for Gulf Pearl Trading; GB: one open GBP invoice. The seeded A/R
    balances already count them."""
    if realm == US_REALM:
        seeded = [_add_invoice(realm, "1", Decimal("250.00"), ("2026-01-12", "2026-02-11")),
                  _add_invoice(realm, "1", Decimal("120.50"), ("2026-01-14", "2026-02-13"))]
        void(_add_invoice(realm, "2", Decimal("75.00"), ("2026-01-15", "2026-02-14")))
        for entity_id, number, amount, dates in KWD_INVOICES:
            seeded.append(_add_invoice(realm, "61", amount, dates, (entity_id, number)))
    else:
        seeded = [_add_invoice(realm, "1", Decimal("480.00"), ("2026-01-09", "2026-02-08"))]
    for found in seeded:
        adjust_balances(COMPANIES[realm], found, found["Balance"])


def _companies() -> dict[str, dict]:
    """Realm id -> entity name -> entity or list of entities, before any invoice."""
    return {
        US_REALM: {
            "CompanyInfo": _company("Remit Sandbox Company US", "US", _address(
                "2600 Marine Way", "Mountain View", "CA", "94043", "USA"), "January"),
            "Preferences": _preferences("USD", True, "January"),
            "Account": _us_accounts(),
            "CompanyCurrency": [company_currency("1", "EUR"), company_currency("2", "GBP"),
                                company_currency("3", "CAD", active=False),
                                company_currency("4", "JPY"), company_currency("5", "KWD")],
            "Customer": _us_customers(), **_no_transactions(),
        },
        SINGLE_CURRENCY_REALM: {
            "CompanyInfo": _company("Remit Sandbox Company (single currency)", "GB", _address(
                "1 Poultry", "London", "LND", "EC2R 8EJ", "GBR"), "April"),
            "Preferences": _preferences("GBP", False, "April"),
            "Account": _gb_accounts(),
            "CompanyCurrency": [],
            "Customer": [customer("1", "Hawthorn & Sons Ltd", "GBP", "ledger@example.co.uk")],
            **_no_transactions(),
        },
    }


def _no_transactions() -> dict[str, list]:
    return {entity: [] for entity in ledger.TRANSACTIONS}


def _with_exchange_account(company: dict) -> None:
    """Turning multicurrency on makes QuickBooks create "Exchange Gain or Loss" (reference
    §2.4): a multicurrency seed without one gets it."""
    multicurrency = company["Preferences"]["CurrencyPrefs"]["MultiCurrencyEnabled"]
    if multicurrency and ledger.exchange_account(company) is None:
        company["Account"].append(account(
            next_id(company["Account"], 90), "Exchange Gain or Loss", "Other Expense",
            ledger.EXCHANGE_SUBTYPE, ledger.home_currency(company)))


COMPANIES: dict[str, dict] = {}
# Per realm, each account's balances before any stored transaction (quickbooks_ledger).
OPENINGS: dict[str, dict[str, tuple[Decimal, Decimal]]] = {}
# Per realm, the movements of each stored transaction, computed once (quickbooks_ledger.Memo).
MOVEMENTS: dict[str, ledger.Memo] = {}


def reset() -> None:
    """The seed companies, with their customers' items and invoices."""
    COMPANIES.clear()
    COMPANIES.update(_companies())
    OPENINGS.clear()
    MOVEMENTS.clear()
    for realm, company in COMPANIES.items():
        _with_exchange_account(company)
        company["Item"] = _items(company)
        _seed_invoices(realm)
        OPENINGS[realm] = ledger.openings(company)


def add_company(like: str) -> str:
    """As a developer adding a sandbox company to their Intuit account: a new realm made from
    the seed company `like` (its accounts, currencies, customers and items; no invoices),
    numbered after the last. LookupError unless `like` is a seed company."""
    seeds = _companies()
    if like not in seeds:
        raise LookupError(f"no seed company {like}")
    realm = str(max(int(known) for known in COMPANIES) + 1)
    company = seeds[like]
    name = f"{company['CompanyInfo']['CompanyName']} {realm[-4:]}"
    company["CompanyInfo"].update(CompanyName=name, LegalName=name)
    _with_exchange_account(company)
    company["Item"] = _items(company)
    COMPANIES[realm] = company
    OPENINGS[realm] = ledger.openings(company)
    return realm


def refresh_balances(realm: str) -> None:
    """Every account's CurrentBalance from the stored transactions: after each write, and
    before an Account is answered."""
    ledger.refresh(COMPANIES[realm], OPENINGS[realm], MOVEMENTS.setdefault(realm, {}))


def account_balance(realm: str, account_id: str) -> Decimal:
    """One account's CurrentBalance, in its currency, as QuickBooks would answer it now."""
    refresh_balances(realm)
    found = find(realm, "Account", account_id)
    if found is None:
        raise LookupError(f"no account {account_id} in company {realm}")
    return found["CurrentBalance"]


def home_currency(realm: str) -> str:
    return COMPANIES[realm]["Preferences"]["CurrencyPrefs"]["HomeCurrency"]["value"]


def multicurrency(realm: str) -> bool:
    return COMPANIES[realm]["Preferences"]["CurrencyPrefs"]["MultiCurrencyEnabled"]


def enabled_currencies(realm: str) -> list[str]:
    """The home currency, then the active foreign ones (none when multicurrency is off)."""
    foreign = [c["Code"] for c in COMPANIES[realm]["CompanyCurrency"] if c["Active"]]
    return [home_currency(realm), *(foreign if multicurrency(realm) else [])]


def exchange_rate(realm: str, currency: str) -> Decimal | None:
    """The rate QuickBooks stamps on a transaction: None without multicurrency, 1 at home."""
    if not multicurrency(realm):
        return None
    home = home_currency(realm)
    return Decimal("1") if currency == home else RATES[(home, currency)]


def find(realm: str, entity: str, entity_id: object) -> dict | None:
    """One entity by Id (ids are compared as the strings Intuit uses), or None."""
    return next((row for row in COMPANIES[realm].get(entity, [])
                 if row["Id"] == str(entity_id)), None)


def receivable_account(realm: str, currency: str) -> dict | None:
    return next((a for a in COMPANIES[realm]["Account"] if a["AccountType"] == RECEIVABLE
                 and a["Active"] and a["CurrencyRef"]["value"] == currency), None)


def create_invoice(realm: str, currency: str, amount: Decimal = Decimal("100.00"),
                   customer_id: str | None = None, txn_date: date | None = None,
                   exchange_rate: Decimal | None = None) -> dict:
    """Save an open invoice of one "Services" line in `currency`, as a bookkeeper would in
    QuickBooks: for `customer_id` (default: the company's first active customer in that
    currency), dated `txn_date` (default today) and due 30 days later, at `exchange_rate`
    (home units per unit; default the company's rate table). As QuickBooks does, the first one
    in a foreign currency creates that currency's A/R account ("Accounts Receivable (A/R) -
    EUR"). Call it in a loop to invoice a simulated month. Returns the Invoice saved.

    Raises LookupError for an unknown realm or customer, ValueError for a currency the company
    lacks, a customer of another currency, or an amount not positive or finer than the
    currency's unit (a yen has no cents; a dinar has three places)."""
    if realm not in COMPANIES:
        raise LookupError(f"no sandbox company {realm}")
    if currency not in enabled_currencies(realm):
        raise ValueError(f"{currency} is not enabled in company {realm}")
    if amount <= 0 or amount != amount.quantize(unit(currency)):
        raise ValueError(f"an invoice amount must be positive, to {unit(currency)} {currency}")
    if exchange_rate is not None and (exchange_rate <= 0 or currency == home_currency(realm)):
        raise ValueError("an exchange rate is positive, and only for a foreign currency")
    company = COMPANIES[realm]
    owner = _customer(realm, currency, customer_id)
    day = txn_date or intuit_now().date()
    dates = (day.isoformat(), (day + timedelta(days=30)).isoformat())
    created = _add_invoice(realm, owner["Id"], amount.quantize(unit(currency)), dates,
                           rate=exchange_rate)
    adjust_balances(company, created, created["Balance"])
    refresh_balances(realm)
    return created


def _customer(realm: str, currency: str, customer_id: str | None) -> dict:
    customers = [c for c in COMPANIES[realm]["Customer"]
                 if customer_id is None or c["Id"] == str(customer_id)]
    if customer_id is not None and not customers:
        raise LookupError(f"no customer {customer_id} in company {realm}")
    owner = next((c for c in customers
                  if c["Active"] and c["CurrencyRef"]["value"] == currency), None)
    if owner is None:
        raise ValueError(f"company {realm} has no active {currency} customer"
                         + (f" {customer_id}" if customer_id else ""))
    return owner


def _add_invoice(realm: str, customer_id: str, amount: Decimal, dates: tuple[str, str],
                 numbered: tuple[str, str] | None = None, rate: Decimal | None = None) -> dict:
    """`numbered` (Id, DocNumber) when the seed fixes them; else the next of each."""
    company = COMPANIES[realm]
    owner = next(c for c in company["Customer"] if c["Id"] == customer_id)
    currency = owner["CurrencyRef"]["value"]
    receivable = receivable_account(realm, currency) or _new_receivable(company, currency)
    numbers = [int(i["DocNumber"]) for i in company["Invoice"] if i["DocNumber"].isdigit()]
    entity_id, number = numbered or (next_id(company["Invoice"], 129),
                                     str(max([FIRST_INVOICE_NUMBER - 1, *numbers]) + 1))
    created = invoice(entity_id, number, owner, amount, receivable, dates,
                      rate or exchange_rate(realm, currency), company["Item"][0])
    company["Invoice"].append(created)
    return created


def _new_receivable(company: dict, currency: str) -> dict:
    created = account(next_id(company["Account"]), f"Accounts Receivable (A/R) - {currency}",
                      RECEIVABLE, "AccountsReceivable", currency, created=intuit_timestamp())
    company["Account"].append(created)
    return created


def adjust_balances(company: dict, found: dict, amount: Decimal) -> None:
    """An invoice's open amount changed by `amount`: its customer's balance follows (accounts'
    balances come from the transactions themselves: refresh_balances)."""
    owner = next(c for c in company["Customer"] if c["Id"] == found["CustomerRef"]["value"])
    for key in ("Balance", "BalanceWithJobs"):
        owner[key] += amount


def next_id(entities: list[dict], floor: int = 100) -> str:
    """QuickBooks ids are numeric strings, increasing per entity type."""
    return str(max([floor, *(int(e["Id"]) for e in entities)]) + 1)


reset()
