"""Every Xero cassette must answer the way Xero is specified to (xero_accounting.yaml,
xero-identity.yaml): what keeps cassettes recorded from Remit's sandbox honest (ARCHITECTURE.md,
"Making cassettes"). The checker itself is tests/connectors/xero/spec.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from sandbox.xero_seed import INVOICE_IDS
from tests.connectors.xero.spec import XeroSpec

CASSETTES = sorted((Path(__file__).parent / "cassettes").rglob("*.yaml"))
ACCOUNTS = "https://api.xero.com/api.xro/2.0/Accounts"
UNKNOWN = "00000000-0000-0000-0000-000000000000"
CLEARING = "b4620d84-ab5f-5ca4-b72d-991005e726d9"
HEADERS = {"content-type": "application/json; charset=utf-8", "xero-correlation-id": "a",
           "x-daylimit-remaining": "4999", "x-minlimit-remaining": "59",
           "x-appminlimit-remaining": "9999"}


@pytest.fixture(scope="module")
def spec() -> XeroSpec:
    """The digest of Xero's documents: runs in any clone."""
    return XeroSpec()


def recorded(cassette: Path):
    """(method, uri, status, headers, body) of each interaction; the request's tenant header
    joins the answer's headers, as the checker needs both."""
    for item in yaml.safe_load(cassette.read_text())["interactions"]:
        request, response = item["request"], item["response"]
        headers = {name.lower(): values[0] for name, values in response["headers"].items()}
        tenant = request["headers"].get("xero-tenant-id")
        if tenant:
            headers["xero-tenant-id"] = tenant[0]
        yield (request["method"], request["uri"], response["status"]["code"], headers,
               response["body"]["string"])


def test_there_are_xero_cassettes():
    assert len(CASSETTES) >= 31


@pytest.mark.parametrize("cassette", CASSETTES, ids=lambda path: path.stem)
def test_cassette_answers_match_the_spec(spec, cassette):
    for method, uri, status, headers, body in recorded(cassette):
        assert spec.problems(method, uri, status, headers, body) == [], (method, uri, status)


def test_every_cassette_also_matches_the_full_documents():
    """The full-spec check: Xero's whole documents, where ../shared/specs exists."""
    full = XeroSpec.from_specs()
    for cassette in CASSETTES:
        for method, uri, status, headers, body in recorded(cassette):
            assert full.problems(method, uri, status, headers, body) == [], (method, uri)


def test_cassettes_cover_every_answer_kind():
    """Guards against a vacuous pass: the checks above must have seen each of these."""
    seen = {(method, uri.split("?")[0].rsplit("/", 1)[-1] if status != 204 else "", status)
            for path in CASSETTES for method, uri, status, _, _ in recorded(path)}
    for expected in [("GET", "Organisation", 200), ("GET", "Currencies", 200),
                     ("GET", "Accounts", 200), ("GET", "Connections", 200),
                     ("POST", "token", 200), ("POST", "token", 400), ("DELETE", "", 204),
                     ("GET", "Currencies", 401), ("GET", "Currencies", 403),
                     ("GET", "Organisation", 429), ("GET", "Organisation", 503),
                     ("GET", "Currencies", 400), ("GET", INVOICE_IDS["INV-0001"], 200),
                     ("GET", UNKNOWN, 404), ("GET", CLEARING, 200), ("PUT", "Payments", 200),
                     ("PUT", "Payments", 400), ("PUT", "Payments", 401),
                     ("PUT", "Payments", 429), ("PUT", "Payments", 503),
                     ("PUT", "ManualJournals", 200), ("PUT", "ManualJournals", 400),
                     ("PUT", "BankTransactions", 200), ("PUT", "BankTransfers", 200),
                     ("PUT", "CreditNotes", 200), ("GET", "TrialBalance", 200)]:
        assert expected in seen


def accounts_body(**changes) -> str:
    account = {"AccountID": "7e73c1fc-a9dc-5239-a838-79293917101e", "Name": "Bank",
               "Type": "BANK", "Status": "ACTIVE", "UpdatedDateUTC": "/Date(1768906933000+0000)/",
               **changes}
    return json.dumps({"Id": "a", "Status": "OK", "ProviderName": "Remit",
                       "DateTimeUTC": "/Date(1795703139285)/", "Accounts": [account]})


def test_the_checker_passes_a_faithful_answer(spec):
    assert spec.problems("GET", ACCOUNTS, 200, HEADERS, accounts_body()) == []


@pytest.mark.parametrize(("changes", "complaint"), [
    ({"Type": "CHECKING"}, "'CHECKING' is not one of"),
    ({"EnablePaymentToAccount": True}, "$.Accounts[0].EnablePaymentToAccount: not declared"),
    ({"UpdatedDateUTC": "2026-01-20T11:02:13"}, "is not /Date(ms)/"),
    ({"SystemAccount": None}, "None for not nullable"),
    ({"AccountID": "42"}, "is not a 'uuid'"),
])
def test_the_checker_catches_what_xero_would_not_send(spec, changes, complaint):
    found = spec.problems("GET", ACCOUNTS, 200, HEADERS, accounts_body(**changes))

    assert any(complaint in problem for problem in found), found


def test_the_checker_knows_xeros_other_answers(spec):
    problem_json = json.dumps({"Title": "Unauthorized", "Status": 401, "Detail": "x"})
    token = json.dumps({"access_token": "a", "expires_in": "1800", "token_type": "bearer"})

    assert spec.problems("GET", ACCOUNTS, 401, HEADERS, problem_json) != []
    assert spec.problems("GET", ACCOUNTS, 429, {"retry-after": "45"}, "") == [
        "limit None"]
    assert spec.problems("GET", ACCOUNTS, 400, HEADERS, '{"ErrorNumber": "ten"}') != []
    assert spec.problems("POST", "https://identity.xero.com/connect/token", 200, {},
                         token) != []
    assert spec.problems("GET", ACCOUNTS, 200, {**HEADERS, "xero-correlation-id": "b"},
                         accounts_body()) == ["Xero-Correlation-Id differs from the body Id"]
