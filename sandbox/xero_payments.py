"""api.xero.com stand-in, sales side (at /xero/api/api.xro/2.0): GET /Invoices/{InvoiceID} and
PUT /Payments, behind the same gate as xero_api.py (forced failures, bearer token, tenant,
scope, minute limit).

PUT /Payments takes `{"Payments":[...]}` and honours:
- `summarizeErrors` (reference §2.5): true, or absent (Xero's documented default is to fail the
  whole batch [verify]): any refused payment records nothing and answers 400
  ValidationException listing the refused ones; false: 200 with the recorded payments and the
  refused ones (HasValidationErrors, ValidationErrors) side by side.
- `Idempotency-Key` (reference §2.8): a key seen before for the organisation answers the same
  payments again and records nothing new. Xero's own semantics are undocumented (lifetime,
  replayed status, same key with another body: reference §7.1, §7.8) [verify]; the stand-in
  keeps a key forever (until reset), replays whatever it first answered whatever the body, and
  remembers a key only when that request recorded something, so a refused request can be
  corrected and retried under the same key.
"""

from __future__ import annotations

import json
import threading
from decimal import Decimal

from flask import Blueprint, Response, request

from sandbox import xero_api, xero_payment_rules
from sandbox.xero_wire import envelope, error, not_found, validation_exception

bp = Blueprint("payments", __name__)
bp.before_request(xero_api.gate)
ACCOUNTING = xero_api.ACCOUNTING
# Granular scopes (reference §1.3) and the legacy ones older apps still hold.
INVOICE_SCOPES = frozenset({"accounting.invoices", "accounting.invoices.read",
                            "accounting.transactions", "accounting.transactions.read"})
PAYMENT_SCOPES = frozenset({"accounting.payments", "accounting.transactions"})

_lock = threading.Lock()  # one batch at a time: checks, records and key memory are one step
_answered: dict[tuple[str, str], list[dict]] = {}  # (tenant, Idempotency-Key) -> payments


def reset() -> None:
    with _lock:
        _answered.clear()


@bp.get(f"{ACCOUNTING}/Invoices/<invoice_id>")
@xero_api.accounting(INVOICE_SCOPES)
def invoice(org: dict, invoice_id: str) -> Response:
    found = [item for item in org["Invoices"] if item["InvoiceID"] == invoice_id.lower()]
    return envelope("Invoices", found) if found else not_found()


@bp.put(f"{ACCOUNTING}/Payments")
@xero_api.accounting(PAYMENT_SCOPES)
def create_payments(org: dict) -> Response:
    submitted = _submitted()
    if submitted is None:
        return error(400, 14, "PostDataInvalidException",
                     "The request body must be a Payments object with a Payments array")
    summarize = request.args.get("summarizeErrors", "true").lower() != "false"
    key = request.headers.get("Idempotency-Key")
    memory = (org["Organisation"]["OrganisationID"], key)
    with _lock:
        if key and memory in _answered:
            return envelope("Payments", _answered[memory])
        outcome = xero_payment_rules.record(org, submitted, summarize)
        if key and outcome.recorded:
            _answered[memory] = outcome.answers
    if summarize and outcome.refused:
        return validation_exception(outcome.refused)
    return envelope("Payments", outcome.answers)


def _submitted() -> list[dict] | None:
    """The Payments array, numbers as Decimal (never through float), or None if malformed."""
    try:
        body = json.loads(request.get_data(as_text=True) or "null", parse_float=Decimal)
    except ValueError:
        return None
    payments = body.get("Payments") if isinstance(body, dict) else None
    if not isinstance(payments, list) or not all(isinstance(p, dict) for p in payments):
        return None
    return payments
