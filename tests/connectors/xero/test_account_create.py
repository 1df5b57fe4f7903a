"""create_account through the real xero-python SDK, replayed from cassettes recorded against
the sandbox's UK organisation (base GBP; "Stripe Clearing" is code 615, "Bank Fees" 404): the
chart read for a free Code, the PUT /Accounts sent, and Xero's refusals."""

from __future__ import annotations

import json

import pytest

from connectors.base import NewAccount, Rejected
from connectors.xero import RULES
from connectors.xero.account_create import free_code
from tests.connectors.xero.conftest import UK_ORG, requests_made

KEY = "ca-5c4b3a29180f6e5d4c3b2a1908f7e6d5-clearing-GBP"


def put_body(cassette) -> tuple[dict, dict]:
    (request,) = [r for r in cassette.requests if r.method == "PUT"]
    return json.loads(request.body), dict(request.headers)


@pytest.mark.vcr
def test_clearing_account_in_the_base_currency(xero, vcr):
    created = xero.connector(UK_ORG, base_currency="GBP").create_account(
        NewAccount("clearing", "Stripe Clearing GBP", "GBP", KEY))

    assert requests_made(vcr) == 2  # GET /Accounts (the codes taken), PUT /Accounts
    body, headers = put_body(vcr)
    assert {k: v for k, v in body.items() if k != "HasAttachments"} == {
        "Code": "616", "Name": "Stripe Clearing GBP", "Type": "CURRENT",
        "Description": "Created by Remit", "EnablePaymentsToAccount": True}
    assert headers["Idempotency-Key"] == KEY
    assert (created.name, created.account_type, created.currency) == (
        "Stripe Clearing GBP", "CURRENT", "GBP")
    assert created.payments_enabled and RULES.is_deposit(created, "GBP")


@pytest.mark.vcr
def test_fees_account_is_an_expense(xero, vcr):
    created = xero.connector(UK_ORG, base_currency="GBP").create_account(
        NewAccount("fees", "Stripe Fees", "EUR", KEY + "f"))

    body, _headers = put_body(vcr)
    assert (body["Code"], body["Type"], "EnablePaymentsToAccount" in body) == (
        "405", "EXPENSE", False)
    assert (created.account_type, created.currency, created.payments_enabled) == (
        "EXPENSE", "GBP", False)
    assert RULES.is_fees(created, "EUR")


@pytest.mark.vcr
def test_a_name_already_taken_is_refused_with_xeros_validation_exception(xero):
    with pytest.raises(Rejected) as refused:
        xero.connector(UK_ORG, base_currency="GBP").create_account(
            NewAccount("clearing", "Stripe Clearing", "GBP", KEY))

    assert refused.value.code == "ValidationException" and refused.value.detail


@pytest.mark.vcr
def test_the_same_idempotency_key_twice_makes_one_account(xero, vcr):
    connector = xero.connector(UK_ORG, base_currency="GBP")
    wanted = NewAccount("clearing", "Stripe Clearing GBP", "GBP", KEY)

    first, again = connector.create_account(wanted), connector.create_account(wanted)

    assert first == again
    assert [a.id for a in connector.accounts() if a.name == wanted.name] == [first.id]


def test_a_clearing_account_outside_the_base_currency_is_refused_before_any_call(xero):
    """Only BANK accounts carry a currency at Xero (no cassette: no request may be made)."""
    with pytest.raises(Rejected) as refused:
        xero.connector(UK_ORG, base_currency="GBP").create_account(
            NewAccount("clearing", "Stripe Clearing EUR", "EUR", KEY))

    assert refused.value.code is None and "GBP" in refused.value.detail


def test_the_first_free_code_is_chosen():
    assert free_code({"615", "616", "618"}, 615) == "617"
    assert free_code(set(), 405) == "405"
