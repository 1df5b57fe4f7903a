"""Pure functions: xero-python models (or anything shaped like them) -> Remit records.

xero-python gives enums for some fields (Type, CurrencyCode, BaseCurrency, CountryCode) and
plain strings for others (Status, SystemAccount, BankAccountType); `_text` reads either.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from connectors.base import (
    CompanyInfo,
    ConnectorError,
    Currency,
    Invoice,
    LedgerAccount,
    LedgerWrite,
    Rejected,
)
from connectors.xero.const import CURRENCY_RATE_PLACES

RATE_DIGITS = 15  # significant digits of a home-per-foreign rate: inverting it back is exact

# Xero invoice Status -> Remit's. DRAFT and SUBMITTED (not yet approved) are "draft": Xero takes
# no payment against them, so the picker and the pay page refuse them, and the posting runner
# refuses them before any write.
INVOICE_STATUSES = {"AUTHORISED": "open", "PAID": "paid", "VOIDED": "void", "DELETED": "void",
                    "DRAFT": "draft", "SUBMITTED": "draft"}


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


def own_currency(account: Any) -> str | None:
    """The currency a BANK account carries itself; None for the others (base currency)."""
    if _text(account.type) != "BANK":
        return None
    return _text(getattr(account, "currency_code", None)) or None


def is_deleted(account: Any) -> bool:
    return _text(account.status) == "DELETED"


def invoice(model: Any, base: str) -> Invoice:
    """A sales invoice (ACCREC) with what is still due. Amounts stay the Decimals xero-python
    read (`parse_float=Decimal`): the places Xero wrote, never through float. A foreign invoice
    (not in `base`) carries its rate the contract's way round (home_per_foreign). DRAFT and
    SUBMITTED (not approved: Xero takes no payment on them) are "draft"; a status Xero may add
    later is refused rather than guessed."""
    number = model.invoice_number or str(model.invoice_id)
    kind, status = _text(model.type), _text(model.status)
    if kind != "ACCREC":
        raise Rejected(f"Xero document {number} is not a sales invoice ({kind}).",
                       f"{number} is not a sales invoice.")
    if status not in INVOICE_STATUSES:
        raise Rejected(f"Xero invoice {number} is {status}: Remit does not know that status.",
                       f"Invoice {number} is {status} in Xero.")
    contact, currency = model.contact, _text(model.currency_code) or ""
    return Invoice(
        id=str(model.invoice_id), number=model.invoice_number or None,
        customer_id=str(contact.contact_id), customer_name=contact.name or "",
        currency=currency, total=_money(model.total, "Total"),
        balance=_money(model.amount_due, "AmountDue"), status=INVOICE_STATUSES[status],
        exchange_rate=None if currency == base else home_per_foreign(model.currency_rate),
        income_ref=_first_account_code(model), due_date=_date(getattr(model, "due_date", None)),
    )


def _date(value: Any) -> date | None:
    """xero-python reads `/Date(ms)/` into a date (or a datetime); anything else is None."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _first_account_code(model: Any) -> str | None:
    """The first line item's AccountCode: the account a refund's credit note credits."""
    lines = getattr(model, "line_items", None) or []
    return (getattr(lines[0], "account_code", None) or None) if lines else None


def trial_balance_of(report: Any, account_id: str) -> Decimal:
    """An account's YTD debit less YTD credit in a TrialBalance report (its Rows: a Header,
    then Sections of Rows whose cells are Account, Debit, Credit, YTD Debit, YTD Credit, each
    cell's Attributes naming the AccountID). 0.00 when no row names it (Xero leaves out an
    account with nothing on it)."""
    wanted = account_id.lower()
    for section in getattr(report, "rows", None) or []:
        for row in getattr(section, "rows", None) or []:
            cells = getattr(row, "cells", None) or []
            named = {str(attribute.value).lower() for cell in cells[:1]
                     for attribute in getattr(cell, "attributes", None) or []}
            if wanted in named:
                if len(cells) < 5:
                    raise ConnectorError("Xero's trial balance row has fewer than 5 cells.")
                return _report_amount(cells[3].value) - _report_amount(cells[4].value)
    return Decimal("0.00")


def _report_amount(value: Any) -> Decimal:
    """A report cell's amount ("1,234.50", "" for none, "(12.00)" for negatives)."""
    text = str(value or "").replace(",", "").strip()
    negative = text.startswith("(") and text.endswith(")")
    try:
        amount = Decimal(text.strip("()") or "0.00")
    except ArithmeticError:
        raise ConnectorError(f"Xero's trial balance holds an unreadable amount {text!r}.") from None
    return -amount if negative else amount


def ledger_write(payments: list[Any]) -> LedgerWrite:
    """The PaymentIDs Xero created, in the order sent. Any element with validation errors (Xero
    answers them beside the created ones when it does not summarise) is a refusal."""
    messages = [error.message for payment in payments if payment.has_validation_errors
                for error in payment.validation_errors or []]
    if messages or not payments:
        raise Rejected("Xero refused the payment.",
                       "; ".join(messages) or "Xero recorded no payment.")
    return LedgerWrite("Payment", tuple(str(payment.payment_id) for payment in payments))


def overpayment_id(transactions: list[Any]) -> str:
    """The OverpaymentID of the RECEIVE-OVERPAYMENT Xero created; a refusal otherwise."""
    messages = [error.message for found in transactions
                for error in getattr(found, "validation_errors", None) or []]
    created = [found.overpayment_id for found in transactions
               if getattr(found, "overpayment_id", None)]
    if messages or len(created) != 1:
        raise Rejected("Xero refused the overpayment.",
                       "; ".join(messages) or "Xero recorded no overpayment.")
    return str(created[0])


def home_per_foreign(currency_rate: Decimal | None) -> Decimal | None:
    """Xero's CurrencyRate counts foreign units per base unit (1 GBP = 1.183221 EUR is 1.183221
    on a EUR invoice of a GBP organisation); Remit's contract counts home units per foreign
    unit, as QuickBooks does. Kept to RATE_DIGITS so that currency_rate() gives Xero's back."""
    if not currency_rate:
        return None
    with localcontext() as context:
        context.prec = RATE_DIGITS
        return 1 / currency_rate


def currency_rate(home_per_foreign_rate: Decimal | None) -> Decimal | None:
    """Remit's rate (home units per foreign unit) as Xero's CurrencyRate, 6 places as Xero
    keeps it (reference §2.4)."""
    if home_per_foreign_rate is None:
        return None
    if home_per_foreign_rate <= 0:
        raise Rejected(f"Exchange rate {home_per_foreign_rate} is not positive.",
                       "The exchange rate must be positive.")
    return (1 / home_per_foreign_rate).quantize(CURRENCY_RATE_PLACES, ROUND_HALF_EVEN)


def share_rates(amounts: list[Decimal], settled: Decimal) -> list[Decimal] | None:
    """One CurrencyRate per invoice of a converted payment, so that the base-currency amounts
    Xero rounds for each Payment on its own add up to what the gateway settled.

    With one rate for all, each Payment's base amount (amount / rate) is rounded apart and
    three invoices can land a cent away from the settled total: the clearing account would no
    longer match the gateway's balance. Here the settled total is shared out in whole minor
    units (largest remainders), and each share gets the 6-place rate that gives it back; None
    when some share cannot be given back exactly (a share too small), and one rate serves."""
    quantum = Decimal(1).scaleb(settled.as_tuple().exponent)
    total = sum(amounts)
    if total <= 0 or settled <= 0:
        return None
    raw = [amount * settled / total for amount in amounts]
    shares = [part.quantize(quantum, ROUND_DOWN) for part in raw]
    left = int((settled - sum(shares)) / quantum)
    for index in sorted(range(len(raw)), key=lambda i: raw[i] - shares[i], reverse=True)[:left]:
        shares[index] += quantum
    rates = []
    for amount, share in zip(amounts, shares, strict=True):
        found = _rate_giving(amount, share, quantum)
        if found is None:
            return None
        rates.append(found)
    return rates


def _rate_giving(amount: Decimal, share: Decimal, quantum: Decimal) -> Decimal | None:
    """The 6-place CurrencyRate (foreign per base) nearest amount / share whose conversion of
    `amount`, rounded half up as Xero's BankAmount is [verify], is exactly `share`."""
    if share <= 0:
        return None
    centre = (amount / share).quantize(CURRENCY_RATE_PLACES, ROUND_HALF_EVEN)
    for step in range(0, 200):
        for candidate in {centre + step * CURRENCY_RATE_PLACES,
                          centre - step * CURRENCY_RATE_PLACES}:
            if candidate > 0 and (amount / candidate).quantize(quantum, ROUND_HALF_UP) == share:
                return candidate
    return None


def _money(value: Any, field: str) -> Decimal:
    if not isinstance(value, Decimal):
        raise ConnectorError(f"Xero's invoice carries no readable {field}.")
    return value


def _text(value: Any) -> str | None:
    """An enum's value or a string as is; None stays None."""
    if value is None:
        return None
    return str(getattr(value, "value", value))
