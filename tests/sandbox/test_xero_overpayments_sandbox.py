"""The Xero stand-in's customer credit: PUT /BankTransactions RECEIVE-OVERPAYMENT checked as Xero
documents it, GET /Overpayments, the Idempotency-Key, and every answer checked against the spec;
a Payment above what is due stays refused (the overpayment is the only way to book an excess)."""

from __future__ import annotations

import json

import pytest

import sandbox.xero as xero
from sandbox import xero_overpayments as rules
from sandbox import xero_payment_rules
from sandbox.hosts import to_real
from tests.connectors.xero.spec import SPECS, XeroSpec
from tests.sandbox.test_xero_payments_sandbox import (
    BANK,
    EURO_BANK,
    OLD_SAVINGS,
    SALES,
    UNKNOWN,
    payment,
    put,
)
from tests.sandbox.test_xero_sandbox import ACCOUNTING, bearer

SCOPE = ("openid offline_access accounting.settings.read accounting.invoices "
         "accounting.payments accounting.banktransactions")
CITY_LIMOUSINES = "7b239be2-7f64-5709-b3ae-7266c3220f49"
CLEARING = "b4620d84-ab5f-5ca4-b72d-991005e726d9"  # Stripe Clearing: payments enabled, GBP
TRANSACTIONS, OVERPAYMENTS = f"{ACCOUNTING}/BankTransactions", f"{ACCOUNTING}/Overpayments"


@pytest.fixture
def uk():
    return bearer(xero.grant_tokens(SCOPE, [xero.UK_ORG])["access_token"], xero.UK_ORG)


def overpayment(amount: str = "50.00", account: str = BANK, **changes) -> dict:
    sent = {"Type": "RECEIVE-OVERPAYMENT", "Contact": {"ContactID": CITY_LIMOUSINES},
            "BankAccount": {"AccountID": account}, "Date": "/Date(1773014400000)/",
            "Reference": "ch_1", "CurrencyCode": "GBP", "LineAmountTypes": "NoTax",
            "LineItems": [{"Description": "Paid beyond the invoice", "LineAmount": f"#{amount}#"}]}
    return sent | changes


def put_transactions(client, headers, *transactions, query="", **extra_headers):
    body = json.dumps({"BankTransactions": list(transactions)})
    body = body.replace('"#', "").replace('#"', "")
    return client.put(TRANSACTIONS + query, headers=headers | extra_headers, data=body)


def test_an_overpayment_is_credit_for_the_contact(client, uk):
    answer = put_transactions(client, uk, overpayment())
    listed = client.get(OVERPAYMENTS, headers=uk).json["Overpayments"]

    assert answer.status_code == 200, answer.json
    (created,) = answer.json["BankTransactions"]
    assert (created["Type"], created["Total"], created["Status"]) == (
        "RECEIVE-OVERPAYMENT", 50.0, "AUTHORISED")
    (credit,) = listed
    assert credit["OverpaymentID"] == created["OverpaymentID"]
    assert (credit["Contact"]["ContactID"], credit["RemainingCredit"], credit["TotalTax"],
            credit["LineAmountTypes"], credit["CurrencyCode"]) == (
        CITY_LIMOUSINES, 50.0, 0, "NoTax", "GBP")
    assert credit["LineItems"][0]["AccountCode"] == "610"  # coded to Accounts Receivable


def test_a_payments_enabled_account_takes_an_overpayment(client, uk):
    assert put_transactions(client, uk, overpayment(account=CLEARING)).status_code == 200


@pytest.mark.parametrize(("sent", "message"), [
    (overpayment(Contact=None), rules.NO_CONTACT),
    (overpayment(Contact={"ContactID": UNKNOWN}), rules.NO_CONTACT),
    (overpayment(account=UNKNOWN), rules.NO_BANK_ACCOUNT),
    (overpayment(account=OLD_SAVINGS), rules.NO_BANK_ACCOUNT),  # archived
    (overpayment(account=SALES), xero_payment_rules.NOT_PAYABLE_ACCOUNT),
    (overpayment(account=EURO_BANK), rules.WRONG_CURRENCY),  # a GBP transaction, EUR bank
    (overpayment(LineAmountTypes="Exclusive"), rules.TAXED),
    (overpayment(LineItems=[]), rules.ONE_LINE),
    (overpayment(LineItems=[{"Description": "a", "LineAmount": 1},
                            {"Description": "b", "LineAmount": 1}]), rules.ONE_LINE),
    (overpayment(LineItems=[{"Description": "", "LineAmount": 1}]), rules.NO_DESCRIPTION),
    (overpayment("0.00"), rules.NOT_POSITIVE),
    (overpayment(Date="soon"), rules.NO_DATE),
])
def test_refusals_record_nothing(client, uk, sent, message):
    answer = put_transactions(client, uk, sent)

    assert answer.status_code == 400 and answer.json["Type"] == "ValidationException"
    element = answer.json["Elements"][0]
    assert message in [error["Message"] for error in element["ValidationErrors"]]
    assert client.get(OVERPAYMENTS, headers=uk).json["Overpayments"] == []


@pytest.mark.parametrize("kinds", [("RECEIVE-PREPAYMENT",), ("RECEIVE", "RECEIVE-OVERPAYMENT")])
def test_other_bank_transactions_are_not_simulated(client, uk, kinds):
    """Prepayments are not simulated, nor a mix of kinds in one request (RECEIVE and SPEND
    are: tests/sandbox/test_xero_transactions_sandbox.py)."""
    answer = put_transactions(client, uk, *(overpayment(Type=kind) for kind in kinds))

    assert answer.status_code == 501


def test_the_same_idempotency_key_answers_again_and_records_nothing_new(client, uk):
    first = put_transactions(client, uk, overpayment(), **{"Idempotency-Key": "k-credit"})
    again = put_transactions(client, uk, overpayment(), **{"Idempotency-Key": "k-credit"})

    assert first.json["BankTransactions"] == again.json["BankTransactions"]
    assert len(client.get(OVERPAYMENTS, headers=uk).json["Overpayments"]) == 1


def test_a_payment_above_what_is_due_is_still_refused(client, uk):
    answer = put(client, uk, payment(amount="300.00"))

    assert answer.status_code == 400
    assert answer.json["Elements"][0]["ValidationErrors"] == [
        {"Message": xero_payment_rules.EXCEEDS}]


def test_overpayments_need_the_bank_transactions_scope(client):
    payments_only = bearer(xero.grant_tokens(
        "openid accounting.settings.read accounting.payments", [xero.UK_ORG])["access_token"],
        xero.UK_ORG)

    assert put_transactions(client, payments_only, overpayment()).status_code == 403
    assert client.get(OVERPAYMENTS, headers=payments_only).status_code == 403


def test_reset_forgets_overpayments_and_keys(client, uk):
    put_transactions(client, uk, overpayment(), **{"Idempotency-Key": "k-credit"})
    client.post("/xero/controls/reset")
    uk = bearer(xero.grant_tokens(SCOPE, [xero.UK_ORG])["access_token"], xero.UK_ORG)

    assert client.get(OVERPAYMENTS, headers=uk).json["Overpayments"] == []
    put_transactions(client, uk, overpayment(), **{"Idempotency-Key": "k-credit"})
    assert len(client.get(OVERPAYMENTS, headers=uk).json["Overpayments"]) == 1


def test_overpayment_answers_match_xeros_spec(client, uk):
    if not SPECS.is_dir():
        pytest.skip(f"Xero's OpenAPI documents not found at {SPECS}")
    spec = XeroSpec()
    answers = [("PUT", TRANSACTIONS, put_transactions(client, uk, overpayment())),
               ("PUT", TRANSACTIONS, put_transactions(client, uk, overpayment(Contact=None))),
               ("GET", OVERPAYMENTS, client.get(OVERPAYMENTS, headers=uk))]
    for method, path, answer in answers:
        headers = {name.lower(): value for name, value in answer.headers.items()}
        real = to_real(f"http://localhost{path}", "http://localhost")
        assert spec.problems(method, real, answer.status_code, headers | {
            "xero-tenant-id": xero.UK_ORG}, answer.get_data()) == [], (method, path)
