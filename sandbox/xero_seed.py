"""Seed data for the Xero stand-in: one sign-in user and two organisations (chart of accounts,
customers, sales invoices), in Xero's shapes.

Field names, enum values and `/Date(ms+0000)/` dates follow xero_accounting.yaml (v16.1.0);
tests/sandbox/test_xero_sandbox.py and the cassette checks validate them against it. UUIDs are
fixed so cassettes, tests and the add-on's own fixtures can name them.
"""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

UK_ORG = "28cd9a95-ca81-550d-b172-9b9faba366d0"  # multicurrency: GBP base; EUR, USD, JPY enabled
FR_ORG = "69557752-3e8f-59a2-a0ac-662e854fce74"  # single currency: EUR only

USER = {
    "sub": "36ee4989-7c89-52fa-9327-024223fb47c0",
    "xero_userid": "36ee4989-7c89-52fa-9327-024223fb47c0",
    "preferred_username": "camille@example.com",
    "email": "camille@example.com",
    "given_name": "Camille",
    "family_name": "Martin",
    "name": "Camille Martin",
}

CURRENCY_NAMES = {"GBP": "British Pound", "EUR": "Euro", "USD": "United States Dollar",
                  "JPY": "Japanese Yen"}

# Sales invoices (ACCREC) by number; the UK org's are GBP unless said, the FR org's EUR.
INVOICE_IDS = {
    "INV-0001": "40b19ead-706a-5ff9-9174-3add01f404c1",  # City Limousines, 250.00 due
    "INV-0002": "4d5dd817-8905-598d-8ed7-d052c15cce2c",  # Bayside Club, 120.50 due
    "INV-0003": "6b4f3872-5a75-52e8-a6c6-6ff50825898e",  # Rotterdam Fietsen, EUR 480.00 due
    "INV-0004": "82010454-dd28-5339-9f64-2181fe949c5e",  # City Limousines, PAID
    "INV-0005": "451191dc-bc36-50cf-8d90-940cc4726ce8",  # Bayside Club, DRAFT
    "INV-0006": "e647889b-2ae6-5eec-a9e8-a1414d2dd549",  # City Limousines, VOIDED
    "INV-0007": "00890976-fce0-58cc-ad62-d73d73376cb5",  # Kyoto Cycle Works, JPY 36,000 due
    "INV-0008": "3c0f4e57-8a51-5c0e-9d7b-6a1f2d9e4b10",  # Golden Gate Rides, USD 640.00 due
    "FA-0001": "c66b076c-000f-546b-bc05-6356f948f301",  # FR org: Boulangerie Dupont, EUR
}
EUR_RATE = Decimal("1.183221")  # Xero's CurrencyRate: euros per pound (1 GBP = 1.183221 EUR)
# Yen per pound. Xero writes every amount with 2 decimals, JPY ones included (36000.00).
JPY_RATE = Decimal("191.254300")
USD_RATE = Decimal("1.271450")  # dollars per pound


def ms_date(moment: datetime | str, offset: str = "+0000") -> str:
    """Xero's JSON date, `/Date(<ms since epoch>+0000)/` (some fields carry no offset)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment).replace(tzinfo=UTC)
    return f"/Date({int(moment.timestamp() * 1000)}{offset})/"


def _organisation(org_id: str, name: str, version: str, base: str, country: str,
                  details: dict) -> dict:
    return {
        "APIKey": "", "Name": name, "LegalName": name, "PaysTax": True, "Version": version,
        "OrganisationType": "COMPANY", "BaseCurrency": base, "CountryCode": country,
        "IsDemoCompany": False, "OrganisationStatus": "ACTIVE",
        "FinancialYearEndDay": 31, "DefaultSalesTax": "Tax Exclusive",
        "DefaultPurchasesTax": "Tax Exclusive",
        "CreatedDateUTC": ms_date("2026-01-05T09:12:41", offset=""),
        "OrganisationEntityType": "COMPANY", "Edition": "BUSINESS",
        "OrganisationID": org_id, "Addresses": [], "Phones": [], "ExternalLinks": [],
        "PaymentTerms": {}, **details,
    }


def _account(account_id: str, code: str, name: str, kind: str, account_class: str,
             **extra) -> dict:
    """One chart-of-accounts entry with the keys a real GET /Accounts carries."""
    return {
        "AccountID": account_id, "Code": code, "Name": name, "Status": "ACTIVE", "Type": kind,
        "TaxType": "NONE", "Class": account_class, "EnablePaymentsToAccount": False,
        "ShowInExpenseClaims": False, "ReportingCode": "ASS.CUR", "ReportingCodeName": "Current",
        "HasAttachments": False, "UpdatedDateUTC": ms_date("2026-01-20T11:02:13"),
        "AddToWatchlist": False, **extra,
    }


def _bank(account_id: str, code: str, name: str, currency: str, number: str, **extra) -> dict:
    return _account(account_id, code, name, "BANK", "ASSET", BankAccountNumber=number,
                    BankAccountType="BANK", CurrencyCode=currency,
                    ReportingCode="ASS.CUR.CAS.CAS", ReportingCodeName="Cash on hand", **extra)


def _uk_accounts() -> list[dict]:
    return [
        _bank("7e73c1fc-a9dc-5239-a838-79293917101e", "090", "Business Bank Account", "GBP",
              "20304012345678"),
        _bank("9f01acb9-46e4-5b8e-bcfc-a2264f60de60", "091", "Euro Account", "EUR",
              "GB29NWBK60161331926819"),
        _bank("1de02e28-64d8-511e-bba6-fcd40641d618", "093", "Yen Account", "JPY",
              "JP0012345678901"),
        _bank("cc5d5d28-cfbb-5970-ab1d-afebd8ce4680", "092", "Old Savings Account", "GBP",
              "20304087654321", Status="ARCHIVED"),
        _account("b4620d84-ab5f-5ca4-b72d-991005e726d9", "615", "Stripe Clearing", "CURRENT",
                 "ASSET", EnablePaymentsToAccount=True,
                 Description="Card payments collected through Stripe, before payout"),
        _account("03610530-de0d-5499-8325-d43669e69dde", "610", "Accounts Receivable",
                 "CURRENT", "ASSET", SystemAccount="DEBTORS",
                 ReportingCode="ASS.CUR.REC.TRA", ReportingCodeName="Trade receivables"),
        _account("8748c8ed-d27f-5465-a928-baf767a0c8a3", "800", "Accounts Payable",
                 "CURRLIAB", "LIABILITY", SystemAccount="CREDITORS",
                 ReportingCode="LIA.CUR.PAY.TRA", ReportingCodeName="Trade payables"),
        _account("cbd6edc3-b5a6-5e40-9301-4edff8af2563", "200", "Sales", "SALES", "REVENUE",
                 TaxType="OUTPUT2", Description="Income from any normal business activity",
                 ReportingCode="REV.TRA.GOO", ReportingCodeName="Sale of goods"),
        _account("18f56e04-f5a7-586b-b8f3-486126d9fd57", "404", "Bank Fees", "EXPENSE",
                 "EXPENSE", TaxType="NONE", ShowInExpenseClaims=True,
                 Description="Fees charged by your bank and payment processors",
                 ReportingCode="EXP", ReportingCodeName="Expense"),
    ]


def _fr_accounts() -> list[dict]:
    return [
        _bank("1d04b447-93a3-5d90-b1c2-8d0fca0f9b43", "090", "Compte courant", "EUR",
              "FR7630006000011234567890189"),
        _account("c4bd01fc-fcfa-5ff9-b2b1-b5be64352b39", "610", "Clients", "CURRENT", "ASSET",
                 SystemAccount="DEBTORS", ReportingCode="ASS.CUR.REC.TRA",
                 ReportingCodeName="Trade receivables"),
        _account("0189f0cf-d61f-52db-b75a-e4027961efce", "800", "Fournisseurs", "CURRLIAB",
                 "LIABILITY", SystemAccount="CREDITORS", ReportingCode="LIA.CUR.PAY.TRA",
                 ReportingCodeName="Trade payables"),
    ]


def _contact(contact_id: str, name: str, email: str, **extra) -> dict:
    return {"ContactID": contact_id, "ContactStatus": "ACTIVE", "Name": name,
            "EmailAddress": email, "Addresses": [], "Phones": [], "ContactGroups": [],
            "ContactPersons": [], "IsSupplier": False, "IsCustomer": True,
            "UpdatedDateUTC": ms_date("2026-01-20T11:05:00"), "HasValidationErrors": False,
            **extra}


CITY_LIMOUSINES = _contact("7b239be2-7f64-5709-b3ae-7266c3220f49", "City Limousines",
                           "accounts@citylimousines.example")
BAYSIDE_CLUB = _contact("5f6b8d24-9b7f-5c19-8293-2209157f5f32", "Bayside Club",
                        "treasurer@baysideclub.example")
ROTTERDAM_FIETSEN = _contact("429965e5-2785-5fd8-a09c-b6c3e790757b", "Rotterdam Fietsen B.V.",
                             "boekhouding@rotterdamfietsen.example", DefaultCurrency="EUR")
KYOTO_CYCLES = _contact("94f69d90-0c83-5ec0-923a-d8aa106433fd", "Kyoto Cycle Works K.K.",
                        "keiri@kyotocycles.example", DefaultCurrency="JPY")
GOLDEN_GATE = _contact("e2a4c6d8-1b3f-5a7c-9e0d-2f4b6c8a0e13", "Golden Gate Rides Inc.",
                       "ap@goldengaterides.example", DefaultCurrency="USD")
BOULANGERIE = _contact("c9c44214-3dbd-5922-9141-3ffce2b5be1c", "Boulangerie Dupont",
                       "compta@boulangerie-dupont.example")


def _invoice(number: str, contact: dict, amount: str, issued: str, line: tuple[str, str],
             currency: str = "GBP", status: str = "AUTHORISED",
             rate: Decimal = Decimal("1.000000"), invoice_id: str | None = None) -> dict:
    """An approved-looking sales invoice with one untaxed line, as GET /Invoices/{id} shows it
    (spec example L8270ff): amounts are Decimal, written verbatim (2 places, rates 6)."""
    invoice_id = invoice_id or INVOICE_IDS[number]
    total, zero = Decimal(amount), Decimal("0.00")
    issued_on = date.fromisoformat(issued)
    due_on = issued_on + timedelta(days=14)
    description, account_code = line
    return {
        "Type": "ACCREC", "InvoiceID": invoice_id, "InvoiceNumber": number, "Reference": "",
        "Payments": [], "Prepayments": [], "Overpayments": [], "CreditNotes": [],
        "AmountDue": zero if status == "VOIDED" else total, "AmountPaid": zero,
        "AmountCredited": zero, "SentToContact": status != "DRAFT", "CurrencyRate": rate,
        "IsDiscounted": False, "HasAttachments": False, "HasErrors": False,
        "Contact": contact, "DateString": f"{issued_on}T00:00:00", "Date": ms_date(issued),
        "DueDateString": f"{due_on}T00:00:00", "DueDate": ms_date(due_on.isoformat()),
        "Status": status, "LineAmountTypes": "NoTax",
        "LineItems": [{
            "Description": description, "UnitAmount": total, "TaxType": "NONE",
            "TaxAmount": zero, "LineAmount": total, "AccountCode": account_code, "Tracking": [],
            "Quantity": Decimal("1.0000"),
            "LineItemID": str(uuid.uuid5(uuid.UUID(invoice_id), "line"))}],
        "SubTotal": total, "TotalTax": zero, "Total": total,
        "UpdatedDateUTC": ms_date(f"{issued}T10:00:00"),
        "UpdatedDateUTCString": f"{issued}T10:00:00Z", "CurrencyCode": currency,
    }


def _paid(invoice: dict, payment_id: str, paid_on: str) -> dict:
    """The same invoice once a payment of its whole total was recorded (in Xero's UI)."""
    total = invoice["Total"]
    payment = {"PaymentID": payment_id, "Date": ms_date(paid_on), "Amount": total,
               "Reference": "Bank transfer", "CurrencyRate": invoice["CurrencyRate"],
               "HasAccount": False, "HasValidationErrors": False}
    return {**invoice, "Payments": [payment], "AmountDue": Decimal("0.00"), "AmountPaid": total,
            "Status": "PAID", "FullyPaidOnDate": ms_date(paid_on)}


def _uk_invoices() -> list[dict]:
    sales = ("Chauffeur services", "200")
    return [
        _invoice("INV-0001", CITY_LIMOUSINES, "250.00", "2026-03-02", sales),
        _invoice("INV-0002", BAYSIDE_CLUB, "120.50", "2026-03-04", ("Room hire", "200")),
        _invoice("INV-0003", ROTTERDAM_FIETSEN, "480.00", "2026-03-05",
                 ("Fleet maintenance", "200"), currency="EUR", rate=EUR_RATE),
        _paid(_invoice("INV-0004", CITY_LIMOUSINES, "75.00", "2026-02-10", sales),
              "7e69aa91-3685-537d-8707-848d9145dcda", "2026-02-20"),
        _invoice("INV-0005", BAYSIDE_CLUB, "60.00", "2026-03-06", ("Catering", "200"),
                 status="DRAFT"),
        _invoice("INV-0006", CITY_LIMOUSINES, "99.00", "2026-02-12", sales, status="VOIDED"),
        _invoice("INV-0007", KYOTO_CYCLES, "36000.00", "2026-03-09",
                 ("Fleet consultancy", "200"), currency="JPY", rate=JPY_RATE),
        _invoice("INV-0008", GOLDEN_GATE, "640.00", "2026-03-10", ("Airport transfers", "200"),
                 currency="USD", rate=USD_RATE),
    ]


# What the API adds to an organisation besides payments (xero_transactions, xero_credit_notes).
_NOTHING_POSTED = {"BankTransactions": [], "ManualJournals": [], "BankTransfers": [],
                   "CreditNotes": [], "Contacts": []}

_SEED = {
    UK_ORG: {
        "Organisation": _organisation(UK_ORG, "Remit Demo Company (UK)", "UK", "GBP", "GB", {
            "ShortCode": "!rM8kQ", "Class": "PREMIUM", "FinancialYearEndMonth": 3,
            "SalesTaxBasis": "ACCRUALS", "SalesTaxPeriod": "QUARTERLY1",
            "Timezone": "GMTSTANDARDTIME", "TaxNumber": "GB123456789",
            "LineOfBusiness": "Software"}),
        "Currencies": ["GBP", "EUR", "USD", "JPY"],
        "Accounts": _uk_accounts(),
        "Invoices": _uk_invoices(),
        "Payments": [],
        "Overpayments": [],
        **_NOTHING_POSTED,
    },
    FR_ORG: {
        "Organisation": _organisation(FR_ORG, "Remit Démo SARL", "GLOBAL", "EUR", "FR", {
            "ShortCode": "!pV2nT", "Class": "STANDARD", "FinancialYearEndMonth": 12,
            "SalesTaxBasis": "ACCRUAL", "SalesTaxPeriod": "MONTHLY",
            "Timezone": "ROMANCESTANDARDTIME", "TaxNumber": "FR40123456824",
            "LineOfBusiness": "Conseil"}),
        "Currencies": ["EUR"],
        "Accounts": _fr_accounts(),
        "Invoices": [_invoice("FA-0001", BOULANGERIE, "1320.00", "2026-03-03",
                              ("Conseil en organisation", "706"), currency="EUR")],
        "Payments": [],
        "Overpayments": [],
        **_NOTHING_POSTED,
    },
}


SEED_NAMES = {tenant: data["Organisation"]["Name"] for tenant, data in _SEED.items()}
# Tenant id -> name of every organisation the sandbox user has: the seed's, and those
# xero_api.add_organisation adds until the next reset.
ORG_NAMES = dict(SEED_NAMES)


def organisations() -> dict[str, dict]:
    """A fresh copy of the seed, keyed by tenant id (= OrganisationID), for reset()."""
    return copy.deepcopy(_SEED)
