"""create_account through the real SDK, replayed from cassettes recorded against the sandbox's
seed (US company: USD home, EUR and GBP enabled; "Stripe Clearing" exists in USD): what is
sent, what QuickBooks makes of it, and its refusals as Rejected with Intuit's fault code."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from connectors.base import NewAccount, Rejected
from connectors.quickbooks import RULES
from connectors.quickbooks.account_create import account_request
from tests.connectors.quickbooks.conftest import US_REALM

KEY = "ca-7f3e1d2c4b5a69788796a5b4c3d2e1f0-clearing-EUR"


def sent(request) -> tuple[dict, dict]:
    query = {name: values[0] for name, values in parse_qs(urlsplit(request.uri).query).items()}
    return query, json.loads(request.body)


@pytest.mark.vcr
def test_clearing_account_in_eur(qbo, vcr):
    created = qbo.connector(US_REALM, home_currency="USD").create_account(
        NewAccount("clearing", "Stripe Clearing EUR", "EUR", KEY))

    (request,) = vcr.requests  # one write, no read
    query, body = sent(request)
    assert (request.method, urlsplit(request.uri).path) == (
        "POST", f"/v3/company/{US_REALM}/account")
    assert query == {"minorversion": "75", "requestid": KEY}
    assert body == {"Name": "Stripe Clearing EUR", "AccountType": "Other Current Asset",
                    "AccountSubType": "OtherCurrentAssets", "Description": "Created by Remit",
                    "CurrencyRef": {"value": "EUR"}}
    assert (created.name, created.account_type, created.currency, created.active) == (
        "Stripe Clearing EUR", "Other Current Asset", "EUR", True)
    assert RULES.is_deposit(created, "EUR") and not RULES.is_deposit(created, "USD")


@pytest.mark.vcr
def test_fees_account_is_an_expense_in_the_home_currency(qbo, vcr):
    connector = qbo.connector(US_REALM)

    created = connector.create_account(NewAccount("fees", "Stripe Fees", "EUR", KEY + "f"))

    _query, body = sent(vcr.requests[0])
    assert "CurrencyRef" not in body  # expense accounts are in the home currency
    assert (body["AccountType"], body["AccountSubType"]) == ("Expense", "BankCharges")
    assert (created.account_type, created.currency) == ("Expense", "USD")
    assert RULES.is_fees(created, "EUR") and RULES.is_fees(created, "USD")


@pytest.mark.vcr
def test_a_name_already_taken_is_refused_with_intuits_code(qbo):
    with pytest.raises(Rejected) as refused:
        qbo.connector(US_REALM, home_currency="USD").create_account(
            NewAccount("clearing", "Stripe Clearing", "USD", KEY))

    assert refused.value.code == "6240" and refused.value.detail


@pytest.mark.vcr
def test_a_currency_the_company_has_not_enabled_is_refused(qbo):
    with pytest.raises(Rejected) as refused:
        qbo.connector(US_REALM, home_currency="USD").create_account(
            NewAccount("clearing", "Stripe Clearing CAD", "CAD", KEY))

    assert refused.value.code == "2500"


@pytest.mark.vcr
def test_the_same_requestid_twice_makes_one_account(qbo, vcr):
    connector = qbo.connector(US_REALM, home_currency="USD")
    wanted = NewAccount("clearing", "Stripe Clearing GBP", "GBP", KEY)

    first, again = connector.create_account(wanted), connector.create_account(wanted)
    chart = connector.accounts()

    assert first == again
    assert [a.id for a in chart if a.name == "Stripe Clearing GBP"] == [first.id]
    assert [r.method for r in vcr.requests][:2] == ["POST", "POST"]


@pytest.mark.parametrize("name", ["", "Stripe: Clearing", 'Stripe "Clearing"', "x" * 101])
def test_names_intuit_refuses_are_refused_before_any_call(name):
    with pytest.raises(Rejected) as refused:
        account_request(NewAccount("clearing", name, "EUR"))

    assert refused.value.code is None


def test_only_clearing_and_fees_accounts_are_made():
    with pytest.raises(Rejected):
        account_request(NewAccount("receivable", "A/R", "EUR"))
