"""Pure functions: xero-python models (or anything shaped like them) -> Remit records.

xero-python gives enums for some fields (Type, CurrencyCode, BaseCurrency, CountryCode) and
plain strings for others (Status, SystemAccount, BankAccountType); `_text` reads either.
"""

from __future__ import annotations

from typing import Any

from connectors.base import CompanyInfo, ConnectorError, Currency, LedgerAccount


def company_info(organisation: Any, currencies: list[Any]) -> CompanyInfo:
    """Organisation + its enabled currencies. Xero has no multicurrency switch in the API:
    an organisation whose plan lacks it has only its base currency enabled."""
    return CompanyInfo(
        name=organisation.name,
        home_currency=base_currency(organisation),
        multicurrency=len({currency(c).code for c in currencies}) > 1,
        country=_text(getattr(organisation, "country_code", None)),
    )


def base_currency(organisation: Any) -> str:
    code = _text(getattr(organisation, "base_currency", None))
    if not code:
        raise ConnectorError("Xero's Organisation carries no BaseCurrency.")
    return code


def currency(model: Any) -> Currency:
    return Currency(code=_text(model.code) or "", name=getattr(model, "description", None))


def ledger_account(account: Any, base: str) -> LedgerAccount:
    """Only BANK accounts carry a CurrencyCode at Xero; every other account books in the
    organisation's base currency."""
    kind = _text(account.type) or ""
    bank_kind = _text(getattr(account, "bank_account_type", None))
    return LedgerAccount(
        id=str(account.account_id),
        name=account.name or "",
        account_type=kind,
        account_subtype=bank_kind if bank_kind not in (None, "", "NONE") else None,
        currency=(_text(getattr(account, "currency_code", None)) or base) if kind == "BANK"
        else base,
        active=_text(account.status) == "ACTIVE",
        payments_enabled=bool(getattr(account, "enable_payments_to_account", False)),
        system_account=_text(getattr(account, "system_account", None)) or None,
    )


def _text(value: Any) -> str | None:
    """An enum's value or a string as is; None stays None."""
    if value is None:
        return None
    return str(getattr(value, "value", value))
