"""What a person makes in Xero's UI for a test or a simulated month (the stand-in has no
PUT /Invoices nor PUT /Accounts): `create_invoice()` adds an AUTHORISED ACCREC invoice with one
untaxed line coded to an account, in Xero's shape (xero_seed._invoice), and answers it as
GET /Invoices/{InvoiceID} would (amounts Decimal); `add_bank_account()` a BANK account."""

from __future__ import annotations

import copy
import uuid
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sandbox import xero_api, xero_seed
from sandbox.xero_lines import DAILY_RATES

ZERO_DECIMAL = {"JPY"}  # Xero writes them with 2 places, whole units only


def create_invoice(tenant_id: str, contact_id: str, currency: str, amount: Decimal, *,
                   issued: date = date(2026, 3, 2), account_code: str = "200",
                   description: str = "Services", rate: Decimal | None = None,
                   number: str | None = None) -> dict:
    """A new approved sales invoice of `amount` in `currency` for a seeded contact; `rate` is
    Xero's CurrencyRate (foreign units per base unit; the day's rate when omitted)."""
    org = xero_api.organisations()[tenant_id]
    contact = next((found for found in _contacts(org) if found["ContactID"] == contact_id), None)
    if contact is None:
        raise ValueError(f"no contact {contact_id} in the organisation")
    if currency not in org["Currencies"] or not any(
            account.get("Code") == account_code for account in org["Accounts"]):
        raise ValueError(f"{currency} is not enabled or account {account_code} is unknown")
    total = Decimal(amount).quantize(Decimal("1") if currency in ZERO_DECIMAL
                                     else Decimal("0.01"), ROUND_HALF_UP)
    if total <= 0:
        raise ValueError("an invoice amount is positive")
    base = org["Organisation"]["BaseCurrency"]
    if rate is None:
        rate = Decimal("1") if currency == base else DAILY_RATES[currency]
    with xero_api.BOOKS:
        number = number or f"SIM-{len(org['Invoices']) + 1:05d}"
        invoice = xero_seed._invoice(number, contact, f"{total:.2f}", issued.isoformat(),
                                     (description, account_code), currency=currency,
                                     rate=rate.quantize(Decimal("0.000001")),
                                     invoice_id=str(uuid.uuid5(uuid.UUID(tenant_id), number)))
        org["Invoices"].append(invoice)
    return copy.deepcopy(invoice)


def _contacts(org: dict) -> list[dict]:
    return [*org.get("Contacts", []), *(invoice["Contact"] for invoice in org["Invoices"])]


def add_bank_account(tenant_id: str, name: str, currency: str, code: str) -> str:
    org = xero_api.organisations()[tenant_id]
    if currency not in org["Currencies"] or any(
            account.get("Code") == code or account["Name"] == name for account in org["Accounts"]):
        raise ValueError(f"{currency} is not enabled, or code {code} or {name!r} is taken")
    account_id = str(uuid.uuid5(uuid.UUID(tenant_id), f"bank {name}"))
    with xero_api.BOOKS:
        org["Accounts"].append(xero_seed._bank(account_id, code, name, currency,
                                               f"{code}-{currency}-0001"))
    return account_id
