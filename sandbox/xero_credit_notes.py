"""api.xero.com stand-in, sales credit notes (at /xero/api/api.xro/2.0): PUT /CreditNotes and
GET /CreditNotes/{CreditNoteID}, behind the same gate as xero_api.py. Cash paid out of one is
a Payment with `CreditNote{CreditNoteID}` (xero_payment_rules.py: ARCREDITPAYMENT, never more
than its RemainingCredit) [verify: the refusal's wording and rules].

Checked as Xero does: Type ACCRECCREDIT (ACCPAYCREDIT, a supplier's, is not simulated), a
known contact, a currency the organisation has enabled, lines on active accounts that are not
bank or AR/AP control accounts, an amount on every line (as bank transactions), a positive
total, a date after the period lock. A foreign credit note without a CurrencyRate takes the
day's rate. A repeated Idempotency-Key replays the first answer, refusals included.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from flask import Blueprint, Response

from sandbox import xero_api, xero_transactions
from sandbox.xero_lines import abridged, contact, line_items_problems, rate_for, saved_lines
from sandbox.xero_payment_rules import _base, _date
from sandbox.xero_seed import ms_date
from sandbox.xero_wire import envelope, not_found

bp = Blueprint("credit_notes", __name__)
bp.before_request(xero_api.gate)
ACCOUNTING = xero_api.ACCOUNTING
SCOPES = frozenset({"accounting.invoices", "accounting.transactions"})
READ_SCOPES = SCOPES | frozenset({"accounting.invoices.read", "accounting.transactions.read"})

ONLY_SALES = "Only ACCRECCREDIT credit notes are simulated"  # the stand-in's limit
NO_CONTACT = "A Contact must be specified"
CURRENCY = "The currency {} is not enabled for this organisation"
STATUSES = ("DRAFT", "SUBMITTED", "AUTHORISED")
STATUS = "A credit note can be created as DRAFT, SUBMITTED or AUTHORISED only"
NOT_POSITIVE = "The credit note total must be greater than zero"
BANK_LINE = "A bank account cannot be used on a line of a credit note"
NO_LINE_AMOUNT = "Each line item needs a LineAmount or a UnitAmount"


@bp.get(f"{ACCOUNTING}/CreditNotes/<credit_note_id>")
@xero_api.accounting(READ_SCOPES)
def credit_note(org: dict, credit_note_id: str) -> Response:
    found = [item for item in org.get("CreditNotes", [])
             if item["CreditNoteID"] == credit_note_id.lower()]
    return envelope("CreditNotes", found) if found else not_found()


@bp.put(f"{ACCOUNTING}/CreditNotes")
@xero_api.accounting(SCOPES)
def create_credit_notes(org: dict) -> Response:
    return xero_transactions.record_submitted(org, "CreditNotes", _problems, _save)


def _problems(org: dict, item: dict) -> list[str]:
    problems = [] if item.get("Type") == "ACCRECCREDIT" else [ONLY_SALES]
    if contact(org, item) is None or not (item.get("Contact") or {}).get("ContactID"):
        problems.append(NO_CONTACT)
    currency = item.get("CurrencyCode") or _base(org)
    if currency not in org["Currencies"]:
        problems.append(CURRENCY.format(currency))
    if item.get("Status", "DRAFT") not in STATUSES:
        problems.append(STATUS)
    return problems + line_items_problems(org, item, bank_line=BANK_LINE,
                                          not_positive=NOT_POSITIVE, no_amount=NO_LINE_AMOUNT,
                                          control_refused=True)


def _save(org: dict, item: dict) -> dict:
    currency = item.get("CurrencyCode") or _base(org)
    lines, total = saved_lines(org, item)
    status = item.get("Status", "DRAFT")
    credit_notes = org.setdefault("CreditNotes", [])
    now = datetime.now(UTC)
    saved = {
        "Type": "ACCRECCREDIT", "Contact": abridged(contact(org, item)),
        "Date": ms_date(_date(item["Date"]).isoformat()), "Status": status,
        "LineAmountTypes": "NoTax", "LineItems": lines, "SubTotal": total,
        "TotalTax": Decimal("0.00"), "Total": total, "UpdatedDateUTC": ms_date(now),
        "CurrencyCode": currency, "CreditNoteID": str(uuid.uuid4()),
        "CreditNoteNumber": f"CN-{len(credit_notes) + 1:04d}",
        "Reference": item.get("Reference") or "", "SentToContact": False,
        "CurrencyRate": rate_for(org, currency, item.get("CurrencyRate")),
        "RemainingCredit": total if status == "AUTHORISED" else Decimal("0.00"),
        "Allocations": [], "Payments": [], "HasAttachments": False, "HasErrors": False}
    credit_notes.append(saved)
    return saved
