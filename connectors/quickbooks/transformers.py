"""Pure functions: python-quickbooks objects (or anything shaped like them) -> Remit records.

Read by attribute with defaults, because the SDK only sets the attributes present in the JSON
(on top of some constructor defaults: an Invoice always has ExchangeRate 1). The other way,
payment_request() builds the exact Payment body Remit sends.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from connectors.base import (
    CompanyInfo,
    ConnectorError,
    Currency,
    Invoice,
    LedgerAccount,
    PaymentPosting,
    UnexpectedAnswer,
)
from connectors.quickbooks import const

# QuickBooks keeps amounts to the cent [verify for zero-decimal currencies such as JPY]; its JSON
# drops trailing zeros (120.5), so amounts read back are given at least two decimals again.
CENT = Decimal("0.01")


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


def invoice(found: Any, home_currency: str) -> Invoice:
    """Invoice -> Invoice record. A foreign invoice keeps its ExchangeRate (home units per
    invoice unit); a home one has none (python-quickbooks' Invoice says 1 even when Intuit sent
    nothing, so the rate alone cannot tell them apart)."""
    customer = found.CustomerRef
    total, balance = amount(found.TotalAmt), amount(found.Balance)
    currency = getattr(getattr(found, "CurrencyRef", None), "value", None) or home_currency
    rate = getattr(found, "ExchangeRate", None)
    foreign = currency != home_currency and rate is not None
    return Invoice(
        id=str(found.Id), number=getattr(found, "DocNumber", None) or None,
        customer_id=str(customer.value), customer_name=getattr(customer, "name", "") or "",
        currency=currency, total=total, balance=balance,
        status=invoice_status(found, total, balance),
        exchange_rate=Decimal(str(rate)) if foreign else None,
        income_ref=income_ref(found), due_date=due_date(found),
    )


def due_date(found: Any) -> date | None:
    """Intuit's DueDate ("2026-02-08"); None when absent or not a date."""
    text = getattr(found, "DueDate", None) or ""
    try:
        return date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def income_ref(found: Any) -> str | None:
    """The ItemRef of the invoice's first SalesItemLine: a RefundReceipt refunds that item, so
    the sale is reduced on the income account the invoice credited. None without one. (The SDK
    reads Invoice lines into SalesItemLine objects, or plain DetailLines holding a dict.)"""
    for line in getattr(found, "Line", None) or []:
        if getattr(line, "DetailType", "") != "SalesItemLineDetail":
            continue
        detail = getattr(line, "SalesItemLineDetail", None)
        item = detail.get("ItemRef") if isinstance(detail, dict) else getattr(
            detail, "ItemRef", None)
        value = item.get("value") if isinstance(item, dict) else getattr(item, "value", None)
        if value:
            return str(value)
    return None


def balance(account: Any) -> Decimal:
    """An Account's CurrentBalance, in its currency, at least to the cent (a dinar account
    keeps its three places). UnexpectedAnswer when QuickBooks sent none."""
    found = getattr(account, "CurrentBalance", None)
    if found is None:
        raise UnexpectedAnswer(f"QuickBooks account {account.Id} came without CurrentBalance.",
                               "QuickBooks answered without the account's balance.")
    return amount(found)


def invoice_status(found: Any, total: Decimal, balance: Decimal) -> str:
    """"void", "paid" or "open". Intuit has no void flag on Invoice: a voided invoice is zeroed
    and noted "Voided" [verify], or carries the entity status "Voided" (IntuitEntity.status)."""
    if getattr(found, "status", None) == "Voided" or (
            getattr(found, "PrivateNote", None) == "Voided" and total == 0):
        return "void"
    return "open" if balance > 0 else "paid"


def amount(value: Any) -> Decimal:
    """A QuickBooks amount (Decimal with use_decimal, an int for whole numbers) to the cent."""
    found = Decimal(str(value))
    exponent = found.as_tuple().exponent
    return found if isinstance(exponent, int) and exponent <= -2 else found.quantize(CENT)


def payment_request(posting: PaymentPosting) -> dict:
    """PaymentPosting -> the Payment create body, exactly these fields (reference §2.5): no
    ExchangeRate unless given, ARAccountRef only when chosen, no empty texts. Amounts stay the
    Decimals given. TotalAmt is what was paid; the lines apply only the applications, so
    QuickBooks keeps `posting.credit` as UnappliedAmt (the customer's credit). Raises
    ValueError for a posting QuickBooks must not receive."""
    check_posting(posting)
    fields: dict = {"CustomerRef": {"value": posting.customer_id},
                    "TotalAmt": _plain(posting.amount), "CurrencyRef": {"value": posting.currency}}
    if posting.exchange_rate is not None:
        fields["ExchangeRate"] = _plain(posting.exchange_rate)
    fields["DepositToAccountRef"] = {"value": posting.deposit_account_id}
    if posting.receivable_account_id:
        fields["ARAccountRef"] = {"value": posting.receivable_account_id}
    fields["TxnDate"] = posting.paid_on.isoformat()
    if posting.reference:
        fields["PaymentRefNum"] = posting.reference
    if posting.memo:
        fields["PrivateNote"] = posting.memo
    fields["Line"] = [{"Amount": _plain(application.amount),
                       "LinkedTxn": [{"TxnId": application.invoice_id, "TxnType": "Invoice"}]}
                      for application in posting.applications]
    return fields


def check_posting(posting: PaymentPosting) -> None:
    """What QuickBooks would refuse, or silently turn into something else (a payment larger
    than its lines becomes customer credit: allowed for exactly the declared credit), refused
    before any call."""
    key = posting.idempotency_key
    if not key or len(key) > const.REQUEST_ID_LIMIT:
        raise ValueError(f"idempotency_key must be 1 to {const.REQUEST_ID_LIMIT} characters "
                         f"(QuickBooks' requestid), not {len(key)}")
    for name, text, limit in (("reference", posting.reference, const.PAYMENT_REF_LIMIT),
                              ("memo", posting.memo, const.PRIVATE_NOTE_LIMIT)):
        if len(text) > limit:
            raise ValueError(f"{name} is {len(text)} characters; QuickBooks keeps {limit}")
    if any(a.amount <= 0 for a in posting.applications) or posting.credit < 0:
        raise ValueError("applications must be positive and the credit not negative")
    if not posting.applications and not posting.credit:
        raise ValueError("a payment must apply a positive amount to an invoice or be credit")
    if sum(a.amount for a in posting.applications) + posting.credit != posting.amount:
        raise ValueError("the payment amount must equal its invoice applications plus the "
                         "declared credit")
    if posting.exchange_rate is not None and posting.exchange_rate <= 0:
        raise ValueError("an exchange rate must be positive")


def _plain(value: Decimal) -> Decimal:
    """The same value written without an exponent (1E+2 -> 100): python-quickbooks sends a
    Decimal as its str()."""
    return Decimal(format(value, "f"))
