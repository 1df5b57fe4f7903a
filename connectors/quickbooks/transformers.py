"""Pure functions: python-quickbooks objects (or anything shaped like them) -> Remit records.

Read by attribute with defaults, because the SDK only sets the attributes present in the JSON.
"""

from __future__ import annotations

from typing import Any

from connectors.base import CompanyInfo, ConnectorError


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
