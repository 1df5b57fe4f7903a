"""Cassettes must answer the way QuickBooks is specified to: this is what keeps cassettes recorded
from Remit's own sandbox honest (ARCHITECTURE.md, "Making cassettes"). The sandbox's answers
are checked the same way in tests/sandbox/test_quickbooks_sandbox.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.connectors.quickbooks.schema import Schema
from tests.connectors.quickbooks.shapes import (
    load_full_schema,
    load_schema,
    money_problems,
    problems,
)

CASSETTES = sorted((Path(__file__).parent / "cassettes").rglob("*.yaml"))
INTUIT_HOSTS = {"sandbox-quickbooks.api.intuit.com", "oauth.platform.intuit.com",
                "developer.api.intuit.com"}


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_schema()


def sent_entities(cassette: Path) -> list[tuple[str, dict]]:
    """(entity, JSON body) of every create request recorded (POST /company/{realm}/<entity>)."""
    interactions = yaml.safe_load(cassette.read_text())["interactions"]
    found = []
    for item in interactions:
        request = item["request"]
        path = request["uri"].split("?")[0].split("/")
        if request["method"] == "POST" and path[-3] == "company" and path[-1] != "query":
            found.append((ENTITY_PATHS[path[-1]], json.loads(request["body"])))
    return found


# The path segment python-quickbooks writes (the entity name lowercased) -> the XSD's name. An
# unknown segment fails loudly rather than being checked against no type at all.
ENTITY_PATHS = {name.lower(): name for name in load_schema().entity_names()}


def recorded(cassette: Path) -> list[tuple[str, int, str, str]]:
    """(request URL, status, content type, body) of every interaction."""
    interactions = yaml.safe_load(cassette.read_text())["interactions"]
    answers = []
    for item in interactions:
        response = item["response"]
        headers = {name.lower(): values[0] for name, values in response["headers"].items()}
        answers.append((item["request"]["uri"], response["status"]["code"],
                        headers.get("content-type", ""), response["body"]["string"]))
    return answers


@pytest.mark.parametrize("cassette", CASSETTES, ids=lambda path: path.stem)
def test_cassette_answers_match_the_spec(schema, cassette):
    for url, status, content_type, text in recorded(cassette):
        assert problems(schema, url, status, content_type, text) == [], url


@pytest.mark.parametrize("cassette", CASSETTES, ids=lambda path: path.stem)
def test_cassettes_only_talk_to_intuit(cassette):
    """Recorded URLs were rewritten to Intuit's real hosts: no loopback sandbox left."""
    hosts = {url.split("/")[2] for url, *_ in recorded(cassette)}
    assert hosts <= INTUIT_HOSTS


@pytest.mark.parametrize("cassette", CASSETTES, ids=lambda path: path.stem)
def test_what_the_sdk_sent_is_declared_in_the_xsd(schema, cassette):
    for entity, body in sent_entities(cassette):
        assert schema.check_request(entity, body) == [], entity


def test_every_cassette_also_matches_the_xsds_themselves():
    """The full-spec check: the XSDs, not their digest, where ../shared/specs exists."""
    full = load_full_schema()
    for cassette in CASSETTES:
        for url, status, content_type, text in recorded(cassette):
            assert problems(full, url, status, content_type, text) == [], url
        for entity, body in sent_entities(cassette):
            assert full.check_request(entity, body) == [], entity


def test_cassettes_cover_the_answers_checked():
    """Guards against a vacuous pass: the shapes above must include these bodies."""
    texts = " ".join(text for path in CASSETTES for *_, text in recorded(path))
    for key in ('"CompanyInfo"', '"Preferences"', '"Account"', '"CompanyCurrency"',
                '"QueryResponse": {}', '"Fault"', '"fault"', '"x_refresh_token_expires_in"',
                '"invalid_grant"', '"Invoice"', '"Payment"', '"LinkedTxn"', '"code": "5010"',
                '"code": "610"', '"code": "6000"', '"JournalEntry"', '"Deposit"',
                '"Transfer"', '"RefundReceipt"', '"code": "2500"', '"CurrentBalance": 225.375'):
        assert key in texts
    sent = [entity for path in CASSETTES for entity, _ in sent_entities(path)]
    assert sent.count("Payment") >= 10
    for entity in ("JournalEntry", "Deposit", "Transfer", "RefundReceipt"):
        assert entity in sent


def test_the_checks_catch_bad_invoices_and_payments(schema):
    invoice = {"Id": "130", "TotalAmt": 250.0, "Balance": 300.0, "Void": True,
               "LinkedTxn": [{"TxnId": "201", "TxnType": "ReceivePayments"}]}
    payment = {"Id": "201", "TotalAmt": 100.0, "UnappliedAmt": 0.0, "ExchangeRate": "1.08",
               "Line": [{"Amount": 90.0, "LinkedTxn": [{"TxnId": 130, "TxnType": "Invoice"}]}]}
    body = {"QueryResponse": {"Invoice": [invoice]}, "Payment": payment,
            "time": "2026-01-20T11:02:13.000-08:00"}

    assert sorted(schema.check(body)) == [
        "$.Payment.ExchangeRate: '1.08' is not a number",
        "$.Payment.Line[0].LinkedTxn[0].TxnId: 130 is not a string",
        "$.QueryResponse.Invoice[0].LinkedTxn[0].TxnType: 'ReceivePayments' names no "
        "QuickBooks entity",
        "$.QueryResponse.Invoice[0].Void: not declared in Invoice",
    ]
    assert money_problems(body) == [
        "Invoice 130: Balance 300.0 outside 0..TotalAmt 250.0",
        "Payment 201: lines 90.0 + UnappliedAmt != TotalAmt 100.0",
    ]


def test_the_request_check_allows_the_sdks_decimal_strings_only(schema):
    sent = {"TotalAmt": "250.00", "ExchangeRate": "1.0856", "TxnDate": "2026-01-20",
            "Line": [{"Amount": "ten", "LinkedTxn": [{"TxnId": "130", "TxnType": "Invoice",
                                                      "TxnLineId": 0}]}],
            "CustomerRef": {"value": "1", "name": ""}, "Sparse": False}

    assert sorted(schema.check_request("Payment", sent)) == [
        "$.Line[0].Amount: 'ten' is not a number or numeric string",
        "$.Line[0].LinkedTxn[0].TxnLineId: 0 is not a string",
        "$.Sparse: not declared in Payment",
    ]


def test_the_schema_check_catches_what_intuit_would_not_send(schema):
    body = {"CompanyInfo": {"CompanyName": "A", "SyncToken": "0", "domain": "QBO",
                            "CompanyNme": "typo", "FiscalYearStartMonth": "Jan",
                            "CompanyAddr": {"Line1": "x", "Latitude": "1"}},
            "Preferences": {"CurrencyPrefs": {"HomeCurrency": {"value": "USD", "code": "x"},
                                              "MultiCurrencyEnabled": "true"}},
            "time": "2026-01-20T11:02:13.000-08:00"}

    assert sorted(schema.check(body)) == [
        "$.CompanyInfo.CompanyAddr.Latitude: not declared in PhysicalAddress",
        "$.CompanyInfo.CompanyNme: not declared in CompanyInfo",
        "$.CompanyInfo.FiscalYearStartMonth: 'Jan' not in ['April', 'August', 'December', "
        "'February', 'January', 'July', 'June', 'March', 'May', 'November', 'October', "
        "'September']",
        "$.Preferences.CurrencyPrefs.HomeCurrency.code: not declared in ReferenceType",
        "$.Preferences.CurrencyPrefs.MultiCurrencyEnabled: 'true' is not a boolean",
    ]


def test_the_schema_check_catches_bad_accounts_and_query_pages(schema):
    account = {"Name": "Checking", "Active": "yes", "AccountType": "Bank Account",
               "AccountSubType": "Chequing", "CurrentBalance": "12.50", "Id": 35,
               "CurrencyRef": {"value": "USD", "name": "United States Dollar"},
               "MetaData": {"CreateTime": "yesterday"}}
    body = {"QueryResponse": {"Account": [account], "startPosition": "1", "maxResults": 1,
                              "totalCount": True},
            "time": "2026-01-20T11:02:13.000-08:00"}

    assert sorted(schema.check(body)) == [
        "$.QueryResponse.Account[0].AccountSubType: 'Chequing' is not an AccountSubTypeEnum "
        "value",
        "$.QueryResponse.Account[0].AccountType: 'Bank Account' not in " + repr(sorted(
            schema.enumeration("AccountTypeEnum"))),
        "$.QueryResponse.Account[0].Active: 'yes' is not a boolean",
        "$.QueryResponse.Account[0].CurrentBalance: '12.50' is not a number",
        "$.QueryResponse.Account[0].Id: 35 is not a string",
        "$.QueryResponse.Account[0].MetaData.CreateTime: 'yesterday' is not an xs:dateTime",
        "$.QueryResponse.startPosition: '1' is not an integer",
        "$.QueryResponse.totalCount: True is not an integer",
    ]


def test_the_token_check_catches_what_intuit_would_not_send(schema):
    url = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"
    body = '{"token_type": "Bearer", "access_token": "x", "expires_in": "3600", "scope": "a"}'

    assert sorted(problems(schema, url, 200, "application/json", body)) == [
        "missing token field refresh_token",
        "missing token field x_refresh_token_expires_in",
        "token field expires_in='3600' is not int",
        "token_type 'Bearer' is not Intuit's 'bearer'",
        "undocumented token field scope",
    ]
    assert problems(schema, url, 400, "application/json", '{"error": "invalid_token"}') == [
        "unknown OAuth error 'invalid_token'"]


def test_the_checks_catch_transactions_that_do_not_add_up():
    def line(posting: str, amount: float) -> dict:
        return {"Amount": amount, "DetailType": "JournalEntryLineDetail",
                "JournalEntryLineDetail": {"PostingType": posting, "AccountRef": {"value": "8"}}}

    journal = {"Id": "301", "TotalAmt": 3.2, "Line": [line("Debit", 3.2), line("Credit", 3.0)]}
    deposit = {"Id": "401", "TotalAmt": 100.0, "Line": [
        {"Amount": 90.0, "DetailType": "DepositLineDetail", "DepositLineDetail": {}}]}
    refund = {"Id": "601", "TotalAmt": 30.0, "Line": [
        {"Amount": 20.0, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {}},
        {"Amount": 30.0, "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}}]}

    assert money_problems({"JournalEntry": journal, "QueryResponse": {
        "Deposit": [deposit], "RefundReceipt": [refund]}}) == [
        "JournalEntry 301: debits 3.2 and credits 3.0 != TotalAmt 3.2",
        "Deposit 401: lines 90.0 != TotalAmt 100.0",
        "RefundReceipt 601: lines 20.0 != TotalAmt 30.0",
    ]
