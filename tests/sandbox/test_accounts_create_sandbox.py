"""The stand-ins' account create, as strict as the vendors: QuickBooks POST /account (Intuit's
fault codes, `requestid` replays) and Xero PUT /Accounts (ValidationException, the write
scope, Idempotency-Key replays, answers as Xero's document describes). Codes and types are
asserted, never the stand-ins' own wording."""

from __future__ import annotations

import pytest

import sandbox.quickbooks as qbo
import sandbox.xero as xero
from sandbox import quickbooks_data, xero_api
from sandbox.hosts import to_real
from tests.connectors.xero.spec import XeroSpec

QBO_ACCOUNTS = f"/quickbooks/api/v3/company/{qbo.US_REALM}/account"
XERO_ACCOUNTS = "/xero/api/api.xro/2.0/Accounts"
CLEARING_EUR = {"Name": "Stripe Clearing EUR", "AccountType": "Other Current Asset",
                "CurrencyRef": {"value": "EUR"}}
XERO_CLEARING = {"Code": "616", "Name": "Stripe Clearing GBP", "Type": "CURRENT",
                 "EnablePaymentsToAccount": True}


@pytest.fixture
def intuit():
    token = qbo.issue_tokens(qbo.US_REALM)["access_token"]
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


@pytest.fixture
def uk():
    token = xero.grant_tokens("openid accounting.settings", [xero.UK_ORG])["access_token"]
    return {"Authorization": f"Bearer {token}", "xero-tenant-id": xero.UK_ORG}


def fault_code(answer) -> str:
    return answer.json["Fault"]["Error"][0]["code"]


def test_quickbooks_creates_an_account_in_an_enabled_currency(client, intuit):
    answer = client.post(QBO_ACCOUNTS + "?requestid=r1", json=CLEARING_EUR, headers=intuit)

    assert answer.status_code == 200
    created = answer.json["Account"]
    assert (created["AccountType"], created["Classification"], created["CurrencyRef"]["value"],
            created["Active"]) == ("Other Current Asset", "Asset", "EUR", True)
    assert quickbooks_data.find(qbo.US_REALM, "Account", created["Id"])["Name"] == (
        "Stripe Clearing EUR")


@pytest.mark.parametrize(("body", "code"), [
    ({**CLEARING_EUR, "Name": "stripe clearing"}, "6240"),  # names are unique, any case
    ({**CLEARING_EUR, "Name": "Old Operating Account"}, "6240"),  # inactive ones too
    ({**CLEARING_EUR, "CurrencyRef": {"value": "CAD"}}, "2500"),  # CAD is not active
    ({"Name": "Fees", "AccountType": "Expense", "CurrencyRef": {"value": "EUR"}}, "2500"),
    ({**CLEARING_EUR, "AccountType": "Clearing"}, "2170"),
    ({"Name": "No type"}, "2020"),
    ({**CLEARING_EUR, "Name": "Stripe:Clearing"}, "2050"),
    ({**CLEARING_EUR, "Colour": "blue"}, "2010"),
])
def test_quickbooks_refuses_what_intuit_refuses(client, intuit, body, code):
    answer = client.post(QBO_ACCOUNTS, json=body, headers=intuit)

    assert (answer.status_code, fault_code(answer)) == (400, code)


def test_quickbooks_replays_a_requestid_faults_included(client, intuit):
    first = client.post(QBO_ACCOUNTS + "?requestid=r2", json=CLEARING_EUR, headers=intuit)
    again = client.post(QBO_ACCOUNTS + "?requestid=r2", json=CLEARING_EUR, headers=intuit)
    other = client.post(QBO_ACCOUNTS + "?requestid=r3", json=CLEARING_EUR, headers=intuit)
    other_again = client.post(QBO_ACCOUNTS + "?requestid=r3", json=CLEARING_EUR,
                              headers=intuit)

    assert again.json["Account"]["Id"] == first.json["Account"]["Id"]
    assert fault_code(other) == fault_code(other_again) == "6240"
    accounts = quickbooks_data.COMPANIES[qbo.US_REALM]["Account"]
    assert [a["Name"] for a in accounts].count("Stripe Clearing EUR") == 1


def xero_answer_problems(answer) -> list[str]:
    headers = {name.lower(): value for name, value in answer.headers.items()}
    real = to_real(f"http://localhost{XERO_ACCOUNTS}", "http://localhost")
    return XeroSpec().problems("PUT", real, answer.status_code,
                               headers | {"xero-tenant-id": xero.UK_ORG}, answer.get_data())


def test_xero_creates_a_payments_enabled_clearing_account(client, uk):
    answer = client.put(XERO_ACCOUNTS, json=XERO_CLEARING, headers=uk)

    assert answer.status_code == 200 and xero_answer_problems(answer) == []
    (created,) = answer.json["Accounts"]
    assert (created["Type"], created["Class"], created["EnablePaymentsToAccount"],
            created["Status"]) == ("CURRENT", "ASSET", True, "ACTIVE")
    assert "CurrencyCode" not in created  # only BANK accounts carry one
    listed = client.get(f"{XERO_ACCOUNTS}/{created['AccountID']}", headers=uk)
    assert listed.json["Accounts"] == [created]


@pytest.mark.parametrize("body", [
    {**XERO_CLEARING, "Name": "stripe clearing"},  # the seed's, in another case
    {**XERO_CLEARING, "Code": "615"},
    {**XERO_CLEARING, "Code": ""},
    {**XERO_CLEARING, "Code": "12345678901"},
    {**XERO_CLEARING, "Type": "CLEARING"},
    {**XERO_CLEARING, "CurrencyCode": "EUR"},  # only a BANK account may be in EUR
    {"Name": "Stripe EUR", "Type": "BANK", "CurrencyCode": "EUR"},  # no account number
])
def test_xero_refuses_what_xero_refuses(client, uk, body):
    before = len(xero_api.organisations()[xero.UK_ORG]["Accounts"])

    answer = client.put(XERO_ACCOUNTS, json=body, headers=uk)

    assert answer.status_code == 400 and xero_answer_problems(answer) == []
    assert answer.json["Type"] == "ValidationException"
    (element,) = answer.json["Elements"]
    assert element["ValidationErrors"]
    assert len(xero_api.organisations()[xero.UK_ORG]["Accounts"]) == before


def test_xero_needs_the_settings_write_scope(client):
    token = xero.grant_tokens("openid accounting.settings.read", [xero.UK_ORG])["access_token"]
    answer = client.put(XERO_ACCOUNTS, json=XERO_CLEARING, headers={
        "Authorization": f"Bearer {token}", "xero-tenant-id": xero.UK_ORG})

    assert answer.status_code == 403


def test_xero_replays_an_idempotency_key(client, uk):
    keyed = uk | {"Idempotency-Key": "k-1"}
    first = client.put(XERO_ACCOUNTS, json=XERO_CLEARING, headers=keyed)
    again = client.put(XERO_ACCOUNTS, json=XERO_CLEARING, headers=keyed)

    assert again.get_data() == first.get_data() and xero_answer_problems(again) == []
    names = [a["Name"] for a in xero_api.organisations()[xero.UK_ORG]["Accounts"]]
    assert names.count("Stripe Clearing GBP") == 1
