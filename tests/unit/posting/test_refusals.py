"""The refusal mapping: the ledgers' codes and words, as the connectors and the stand-ins carry
them, to a cause and the remedies that make sense for it."""

from __future__ import annotations

import pytest

from addon.posting.refusals import Cause, Remedy, explain

QBO_NOT_FOUND = ("QuickBooks rejected the request (HTTP 400, fault 610): Object Not Found",
                 "Object Not Found : Something you're trying to use has been made inactive. "
                 "Check the fields with accounts, customers, items, vendors or employees.")
XERO_VALIDATION = "Xero rejected the request (ValidationException): A validation exception occurred"


def refusal(step: str, code: str | None, message: str, detail: str = "",
            may_have_written: bool = False) -> dict:
    return {"step": step, "code": code, "message": message, "detail": detail,
            "may_have_written": may_have_written}


@pytest.mark.parametrize(("kept", "cause"), [
    # QuickBooks: the invoice read answers 610 for a deleted invoice
    (refusal("invoice", "610", *QBO_NOT_FOUND), Cause.INVOICE_GONE),
    (refusal("invoice", None, "QuickBooks has no such invoice (its ids are numbers).",
             "Object Not Found"), Cause.INVOICE_GONE),
    # ... while at the write, 610 is whatever the payment names: an account, the customer
    (refusal("write", "610", *QBO_NOT_FOUND), Cause.REFERENCE),
    (refusal("write", "2500", "QuickBooks rejected the request (HTTP 400, fault 2500): Invalid "
             "Reference Id", "Invalid Reference Id : Names element id 58 not found"),
     Cause.CUSTOMER),
    (refusal("write", "2500", "QuickBooks rejected the request (HTTP 400, fault 2500): Invalid "
             "Reference Id", "Invalid Reference Id : Accounts element id 7 not found"),
     Cause.ACCOUNT),
    (refusal("write", "6140", "QuickBooks rejected the request (HTTP 400, fault 6140): Duplicate "
             "Document Number Error", "You must specify a different number. This number has "
             "already been used."), Cause.DUPLICATE),
    (refusal("write", "6000", "QuickBooks rejected the request (HTTP 400, fault 6000): A "
             "business validation error has occurred while processing your request",
             "Business Validation Error: The transaction needs to be in the same currency as "
             "the A/R and A/P accounts you use."), Cause.ACCOUNT),
    (refusal("write", "6000", "QuickBooks rejected the request (HTTP 400, fault 6000): A "
             "business validation error has occurred while processing your request",
             "Business Validation Error: The amount applied to invoice 1001 (250.00) is more "
             "than its balance due (0)."), Cause.INVOICE_PAID),
    (refusal("write", "6000", "QuickBooks rejected the request (HTTP 400, fault 6000): A "
             "business validation error has occurred", "Business Validation Error: Something "
             "new."), Cause.BUSINESS_RULE),
    # a closed period, under any of the codes Intuit has used for it
    (refusal("write", "6200", "QuickBooks rejected the request (HTTP 400, fault 6200): Account "
             "Period Closed", "The account period has closed and the account books cannot be "
             "updated through the QBO Services API."), Cause.PERIOD_CLOSED),
    (refusal("write", "5010", "Account Period Closed", "The account period has closed. {1}"),
     Cause.PERIOD_CLOSED),
    # Xero's ValidationException: one type, told apart by its messages
    (refusal("write", "ValidationException", XERO_VALIDATION,
             "Payments can only be made against Authorised documents"), Cause.INVOICE_NOT_OPEN),
    (refusal("write", "ValidationException", XERO_VALIDATION,
             "Payment amount exceeds the amount outstanding on this document"),
     Cause.INVOICE_PAID),
    (refusal("write", "ValidationException", XERO_VALIDATION,
             "The payment date cannot be on or before the period lock date"),
     Cause.PERIOD_CLOSED),
    (refusal("write", "ValidationException", XERO_VALIDATION,
             "The document date cannot be before the end of year lock date, currently set at "
             "31-Jul-2013"), Cause.PERIOD_CLOSED),
    (refusal("write", "ValidationException", XERO_VALIDATION, "Account could not be found"),
     Cause.ACCOUNT),
    (refusal("write", "ValidationException", XERO_VALIDATION,
             "The account code '090' has been archived, or has been deleted."), Cause.ACCOUNT),
    (refusal("invoice", None, "Xero has no invoice 6b4f (HTTP 404).",
             "Invoice 6b4f no longer exists in Xero."), Cause.INVOICE_GONE),
    (refusal("invoice", None, "Xero invoice INV-0005 is DRAFT: not approved, it takes no "
             "payment.", "Invoice INV-0005 is not approved yet in Xero."),
     Cause.INVOICE_NOT_OPEN),
    # Remit's own checks, before any ledger call
    (refusal("prepare", None, "The deposit account 38 no longer exists or is inactive in the "
             "ledger. Edit the gateway's accounts."), Cause.ACCOUNT),
    (refusal("prepare", None, "Invoice 1001 is in EUR, the payment in USD."),
     Cause.INVOICE_CURRENCY),
    (refusal("prepare", None, "The balance of invoice 1001 is unknown."), Cause.OTHER),
    # an answer Remit could not read: whatever it says, the ledger may have written
    (refusal("write", None, "python-quickbooks could not read QuickBooks' answer",
             "Account could not be found", may_have_written=True), Cause.UNREADABLE),
])
def test_each_refusal_has_its_cause(kept, cause):
    assert explain("payment", kept, "stored error").cause is cause


def test_a_failure_stored_before_refusals_were_kept_is_read_from_its_error():
    explained = explain("payment", None, "The receivable account 84 no longer exists or is "
                                         "inactive in the ledger. Edit the gateway's accounts.")
    assert explained.cause is Cause.ACCOUNT and explained.code is None
    assert "receivable account 84" in explained.vendor_text


def test_the_ledgers_own_words_and_code_are_kept_for_details():
    explained = explain("payment", refusal("write", "6140", "Duplicate Document Number Error",
                                           "DocNumber=1234 is assigned"), None)
    assert explained.code == "6140"
    assert explained.vendor_text == "Duplicate Document Number Error — DocNumber=1234 is assigned"


@pytest.mark.parametrize(("cause_of", "remedies"), [
    (refusal("invoice", "610", *QBO_NOT_FOUND), (Remedy.CREDIT, Remedy.REFUND, Remedy.RETRY)),
    (refusal("prepare", None, "Edit the gateway's accounts."),
     (Remedy.FIX_MAPPING, Remedy.RETRY)),
    (refusal("prepare", None, "Invoice 1 is in EUR, the payment in USD."), (Remedy.REFUND,)),
    (refusal("write", "6200", "Account Period Closed"), (Remedy.RETRY,)),
    (refusal("write", None, "unreadable", may_have_written=True), (Remedy.RETRY,)),
])
def test_each_cause_offers_the_remedies_that_make_sense(cause_of, remedies):
    assert explain("payment", cause_of, None).remedies == remedies


def test_only_a_customer_payment_can_become_credit_or_be_refunded():
    """A fee, a payout or a refund names no invoice and no customer's money to keep."""
    kept = refusal("write", "ValidationException", XERO_VALIDATION,
                   "Payments can only be made against Authorised documents")
    for kind in ("fee", "payout", "refund", "dispute"):
        assert explain(kind, kept, None).remedies == (Remedy.RETRY,)
