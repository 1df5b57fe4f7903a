"""api.xero.com stand-in, sales side (at /xero/api/api.xro/2.0): GET /Invoices/{InvoiceID} and
PUT /Payments, behind the same gate as xero_api.py (forced failures, bearer token, tenant,
scope, minute limit).

PUT /Payments takes `{"Payments":[...]}` and honours:
- `summarizeErrors` (reference §2.5): true, or absent (Xero's documented default is to fail the
  whole batch [verify]): any refused payment records nothing and answers 400
  ValidationException listing the refused ones; false: 200 with the recorded payments and the
  refused ones (HasValidationErrors, ValidationErrors) side by side.
- `Idempotency-Key` (reference §2.8): a key seen before for the organisation gets its first
  answer again, a refusal included, and records nothing. Xero's own semantics are undocumented
  (lifetime, replayed status, same key with another body: reference §7.1, §7.8) [verify]; the
  stand-in does what Intuit documents for its `requestid`: keeps a key until reset and replays
  whatever it first answered whatever the body, so a refused payment needs a new key.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, request

from sandbox import xero_api, xero_payment_rules
from sandbox.replays import Replays
from sandbox.xero_wire import (
    envelope,
    error,
    not_found,
    replayed,
    submitted_items,
    validation_exception,
)

bp = Blueprint("payments", __name__)
bp.before_request(xero_api.gate)
ACCOUNTING = xero_api.ACCOUNTING
# Granular scopes (reference §1.3) and the legacy ones older apps still hold.
INVOICE_SCOPES = frozenset({"accounting.invoices", "accounting.invoices.read",
                            "accounting.transactions", "accounting.transactions.read"})
PAYMENT_SCOPES = frozenset({"accounting.payments", "accounting.transactions"})

# (organisation, Idempotency-Key) -> first answer. Its lock also makes one batch at a time:
# checks, records and key memory are one step.
IDEMPOTENCY_KEYS = Replays()
_lock = xero_api.BOOKS  # batches without a key too


def reset() -> None:
    IDEMPOTENCY_KEYS.reset()


def lock_period(tenant_id: str, through: date | None) -> None:
    """Set (None: remove) an organisation's period lock date."""
    with _lock:
        xero_payment_rules.lock_period(xero_api.organisations()[tenant_id], through)


@bp.get(f"{ACCOUNTING}/Invoices/<invoice_id>")
@xero_api.accounting(INVOICE_SCOPES)
def invoice(org: dict, invoice_id: str) -> Response:
    found = [item for item in org["Invoices"] if item["InvoiceID"] == invoice_id.lower()]
    return envelope("Invoices", found) if found else not_found()


@bp.put(f"{ACCOUNTING}/Payments")
@xero_api.accounting(PAYMENT_SCOPES)
def create_payments(org: dict) -> Response:
    submitted = submitted_items("Payments")
    if submitted is None:
        return error(400, 14, "PostDataInvalidException",
                     "The request body must be a Payments object with a Payments array")
    summarize = request.args.get("summarizeErrors", "true").lower() != "false"
    return IDEMPOTENCY_KEYS.once(org["Organisation"]["OrganisationID"],
                                 request.headers.get("Idempotency-Key"),
                                 lambda: _record(org, submitted, summarize), replay=replayed)


def _record(org: dict, submitted: list[dict], summarize: bool) -> Response:
    with _lock:
        outcome = xero_payment_rules.record(org, submitted, summarize)
    if summarize and outcome.refused:
        return validation_exception(outcome.refused)
    return envelope("Payments", outcome.answers)

