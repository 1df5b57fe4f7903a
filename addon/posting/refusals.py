"""Why a ledger refused a posting, and what a bookkeeper can do about it. Pure: what the runner
kept of the refusal (the step it happened at, the ledger's code and words) in, a cause and the
remedies that make sense for it out. Activity words both in the reader's language.

A cause is read from the ledger's own code where it is distinctive (Intuit's fault codes) and
otherwise from the ledger's wording, which is stable English (Xero's ValidationException
messages, Intuit's fault messages): the codes alone do not tell a closed period from a stale
object (Intuit has answered "Account Period Closed" under 5010) nor an archived account from a
voided invoice (Xero types both ValidationException). What nothing here recognises is `OTHER`,
shown with the ledger's words and Retry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

# Where the refusal happened (`refusal["step"]`): Remit's own checks before any ledger call,
# the read of an invoice the payment names, or the ledger write itself.
STEP_PREPARE, STEP_INVOICE, STEP_WRITE = "prepare", "invoice", "write"


class Cause(StrEnum):
    INVOICE_GONE = "invoice_gone"  # the invoice no longer exists in the ledger
    INVOICE_NOT_OPEN = "invoice_not_open"  # voided, draft, not approved: it takes no payment
    INVOICE_PAID = "invoice_paid"  # less is due than the payment applies: paid meanwhile
    INVOICE_CURRENCY = "invoice_currency"  # the invoice is in another currency
    ACCOUNT = "account"  # a mapped account is gone, inactive, archived or of the wrong kind
    REFERENCE = "reference"  # something the payment names was deleted or made inactive
    CUSTOMER = "customer"  # the customer is gone or inactive
    PERIOD_CLOSED = "period_closed"  # the books are closed (closing date, lock date)
    DUPLICATE = "duplicate"  # a number or name already used
    BUSINESS_RULE = "business_rule"  # another of the ledger's validation rules
    UNREADABLE = "unreadable"  # an answer Remit could not read: the ledger may have written
    OTHER = "other"


class Remedy(StrEnum):
    FIX_MAPPING = "fix_mapping"  # edit the gateway's accounts, then Retry
    RETRY = "retry"
    CREDIT = "credit"  # record the whole payment as the customer's unapplied credit
    REFUND = "refund"  # open the payment in the gateway's dashboard to refund it


@dataclass(frozen=True)
class Refusal:
    cause: Cause
    remedies: tuple[Remedy, ...]
    code: str | None  # the ledger's own, when it gave one
    vendor_text: str  # the ledger's words, as it said them, for "Details"


# Causes whose money belongs to the customer while no invoice can take it: credit, or refund.
_INVOICE_CAUSES = {Cause.INVOICE_GONE, Cause.INVOICE_NOT_OPEN, Cause.INVOICE_PAID}

# (cause, words any of which, lowercased, in the ledger's message or detail means it), in order.
_WORDING: tuple[tuple[Cause, tuple[str, ...]], ...] = (
    (Cause.PERIOD_CLOSED, ("account period closed", "account period has closed",
                           "closing date", "lock date")),
    (Cause.INVOICE_NOT_OPEN, ("can only be made against authorised documents",
                              "not approved", "not a sales invoice")),
    (Cause.INVOICE_GONE, ("invoice could not be found", "has no invoice", "no such invoice",
                          "no longer exists in xero")),
    (Cause.INVOICE_PAID, ("exceeds the amount outstanding", "more than its balance due")),
    (Cause.INVOICE_CURRENCY, (", the payment in",)),
    (Cause.ACCOUNT, ("edit the gateway's accounts", "has no accounts set",
                     "same currency as the a/r", "account could not be found",
                     "has been archived", "payments can only be made to a bank account",
                     "bank account must be in the currency", "map one for",
                     "different type of account", "accountsreceivable", "araccountref",
                     "accounts element")),
    (Cause.CUSTOMER, ("names element", "customer's currency", "belongs to another customer",
                      "contact could not be found", "contact has been archived")),
    (Cause.DUPLICATE, ("duplicate",)),
    (Cause.REFERENCE, ("has been made inactive", "object not found")),
)

# Intuit fault codes that name their cause on their own (reference quickbooks.md §3.3).
_CODES = {"6140": Cause.DUPLICATE, "6210": Cause.DUPLICATE, "6240": Cause.DUPLICATE,
          "6000": Cause.BUSINESS_RULE, "610": Cause.REFERENCE, "2500": Cause.REFERENCE}


def explain(kind: str, refusal: Mapping | None, error: str | None) -> Refusal:
    """The cause of a failed posting of `kind` and its remedies, from what the runner kept
    (`refusal`: step, code, message, detail, may_have_written) or, for a failure stored before
    it kept any, from the error text alone."""
    refusal = refusal or {}
    code = str(refusal["code"]) if refusal.get("code") else None
    message, detail = refusal.get("message") or "", refusal.get("detail") or error or ""
    cause = _cause(refusal.get("step"), code, f"{message} {detail}".lower(),
                   bool(refusal.get("may_have_written")))
    vendor_text = " — ".join(part for part in (message, detail) if part) or (error or "")
    return Refusal(cause, _remedies(kind, cause), code, vendor_text)


def _cause(step: str | None, code: str | None, text: str, may_have_written: bool) -> Cause:
    if may_have_written:
        return Cause.UNREADABLE
    by_words = next((cause for cause, words in _WORDING if any(w in text for w in words)), None)
    if by_words is Cause.PERIOD_CLOSED:
        return by_words  # whatever the code: Intuit has sent it under several
    if step == STEP_INVOICE:
        return by_words if by_words in _INVOICE_CAUSES else Cause.INVOICE_GONE
    if by_words is not None:
        return by_words
    return _CODES.get(code or "", Cause.OTHER)


def _remedies(kind: str, cause: Cause) -> tuple[Remedy, ...]:
    """Retry wherever a fix outside Remit may make the same posting go through; credit and
    refund only for a customer payment no invoice can take (credit never for an answer that
    may have been written: recorded twice, the customer's credit would be too)."""
    payment = kind == "payment"
    if cause in _INVOICE_CAUSES:
        return (Remedy.CREDIT, Remedy.REFUND, Remedy.RETRY) if payment else (Remedy.RETRY,)
    if cause is Cause.INVOICE_CURRENCY:
        return (Remedy.REFUND,) if payment else ()
    if cause in (Cause.ACCOUNT, Cause.REFERENCE):
        return (Remedy.FIX_MAPPING, Remedy.RETRY)
    if cause is Cause.CUSTOMER:
        return (Remedy.RETRY, Remedy.REFUND) if payment else (Remedy.RETRY,)
    return (Remedy.RETRY,)
