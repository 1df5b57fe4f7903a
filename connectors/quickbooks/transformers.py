"""Pure functions: python-quickbooks objects (or anything shaped like them) -> Remit records.

Read by attribute with defaults, because the SDK only sets the attributes present in the JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from connectors.base import CompanyInfo, ConnectorError, Currency, LedgerAccount


def company_info(info: Any, preferences: Any) -> CompanyInfo:
    """CompanyInfo + Preferences.CurrencyPrefs -> CompanyInfo (Finance.xsd names)."""
    currency_prefs = getattr(preferences, "CurrencyPrefs", None)
    return CompanyInfo(
        name=info.CompanyName,
        home_currency=_home_currency(currency_prefs),
        multicurrency=bool(getattr(currency_prefs, "MultiCurrencyEnabled", False)),
        country=getattr(info, "Country", None) or None,
    )


def _home_currency(currency_prefs: Any) -> str:
    """HomeCurrency is a ReferenceType ({"value": "USD"}); a company always has one."""
    reference = getattr(currency_prefs, "HomeCurrency", None)
    code = getattr(reference, "value", None)
    if not code:
        raise ConnectorError("QuickBooks Preferences carry no CurrencyPrefs.HomeCurrency.")
    return code


def currency_settings(preferences: Any) -> tuple[str, bool]:
    """Preferences.CurrencyPrefs -> (home currency, multicurrency on)."""
    currency_prefs = getattr(preferences, "CurrencyPrefs", None)
    multicurrency = bool(getattr(currency_prefs, "MultiCurrencyEnabled", False))
    return _home_currency(currency_prefs), multicurrency


def currencies(home_currency: str, company_currencies: Iterable[Any]) -> list[Currency]:
    """The home currency first (CompanyCurrency lists only foreign ones), then each active
    foreign currency once."""
    found = [Currency(home_currency)]
    for entry in company_currencies:
        code = getattr(entry, "Code", "")
        if getattr(entry, "Active", True) and code and code not in {c.code for c in found}:
            found.append(Currency(code, getattr(entry, "Name", None) or None))
    return found


def has_currency(account: Any) -> bool:
    return bool(getattr(getattr(account, "CurrencyRef", None), "value", None))


def ledger_account(account: Any, home_currency: str | None = None) -> LedgerAccount:
    """Account -> LedgerAccount. An account without CurrencyRef is in the home currency
    (income and expense accounts always are); sub-accounts keep their full "Parent:Child" name."""
    currency = getattr(getattr(account, "CurrencyRef", None), "value", None) or home_currency
    if not currency:
        raise ConnectorError(f"QuickBooks account {account.Id} has no CurrencyRef.")
    return LedgerAccount(
        id=str(account.Id),
        name=getattr(account, "FullyQualifiedName", "") or account.Name,
        account_type=account.AccountType,
        account_subtype=getattr(account, "AccountSubType", "") or None,
        currency=currency,
        active=bool(getattr(account, "Active", True)),
    )
