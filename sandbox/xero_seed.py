"""Seed data for the Xero stand-in: one sign-in user and two organisations, in Xero's shapes.

Field names, enum values and `/Date(ms+0000)/` dates follow xero_accounting.yaml (v16.1.0);
tests/sandbox/test_xero_sandbox.py and the cassette checks validate them against it. UUIDs are
fixed so cassettes, tests and the add-on's own fixtures can name them.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime

UK_ORG = "28cd9a95-ca81-550d-b172-9b9faba366d0"  # multicurrency: GBP base, EUR and USD enabled
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

CURRENCY_NAMES = {"GBP": "British Pound", "EUR": "Euro", "USD": "United States Dollar"}


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


_SEED = {
    UK_ORG: {
        "Organisation": _organisation(UK_ORG, "Remit Demo Company (UK)", "UK", "GBP", "GB", {
            "ShortCode": "!rM8kQ", "Class": "PREMIUM", "FinancialYearEndMonth": 3,
            "SalesTaxBasis": "ACCRUALS", "SalesTaxPeriod": "QUARTERLY1",
            "Timezone": "GMTSTANDARDTIME", "TaxNumber": "GB123456789",
            "LineOfBusiness": "Software"}),
        "Currencies": ["GBP", "EUR", "USD"],
        "Accounts": _uk_accounts(),
    },
    FR_ORG: {
        "Organisation": _organisation(FR_ORG, "Remit Démo SARL", "GLOBAL", "EUR", "FR", {
            "ShortCode": "!pV2nT", "Class": "STANDARD", "FinancialYearEndMonth": 12,
            "SalesTaxBasis": "ACCRUAL", "SalesTaxPeriod": "MONTHLY",
            "Timezone": "ROMANCESTANDARDTIME", "TaxNumber": "FR40123456824",
            "LineOfBusiness": "Conseil"}),
        "Currencies": ["EUR"],
        "Accounts": _fr_accounts(),
    },
}


ORG_NAMES = {tenant: data["Organisation"]["Name"] for tenant, data in _SEED.items()}


def organisations() -> dict[str, dict]:
    """A fresh copy of the seed, keyed by tenant id (= OrganisationID), for reset()."""
    return copy.deepcopy(_SEED)
