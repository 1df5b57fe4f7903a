"""Cassettes and the sandbox must answer the way QuickBooks is specified to: this is what keeps
cassettes recorded from Remit's own sandbox honest (ARCHITECTURE.md, "Making cassettes").

Data-service bodies are checked against Intuit's XSDs (../shared/specs/quickbooks); the API
gateway's 401/403 bodies are outside that schema and are checked against their documented
lowercase shape (docs/reference quickbooks.md §3.2) instead.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

import sandbox
import sandbox.quickbooks as qbo_sandbox
from tests.connectors.quickbooks.schema import Schema

REPO_ROOT = Path(__file__).resolve().parents[3]
SPECS = REPO_ROOT.parent / "shared" / "specs" / "quickbooks"
CASSETTES = sorted((Path(__file__).parent / "cassettes").rglob("*.yaml"))
GATEWAY_KEYS = {"warnings", "intuitObject", "fault", "report", "queryResponse",
                "batchItemResponse", "attachableResponse", "syncErrorResponse", "requestId",
                "time", "status", "cdcresponse"}
GATEWAY_MESSAGE = re.compile(r"message=\w+; errorCode=\d{6}; statusCode=(\d{3})")


@pytest.fixture(scope="module")
def schema() -> Schema:
    if not SPECS.is_dir():
        pytest.skip(f"QuickBooks XSDs not found at {SPECS} (the shared specs folder sits beside "
                    "the repository); shape checks need them")
    return Schema(SPECS)


def problems(schema: Schema, status: int, content_type: str, text: str) -> list[str]:
    """Everything wrong with one answer, whichever of Intuit's three answer kinds it is."""
    if not content_type.startswith("application/json"):
        return [] if status >= 500 else [f"non-JSON body on HTTP {status}"]
    body = json.loads(text)
    if "fault" in body:
        return gateway_problems(status, body)
    return schema.check(body)


def gateway_problems(status: int, body: dict) -> list[str]:
    found = [f"undocumented gateway key {key}" for key in set(body) - GATEWAY_KEYS]
    for error in body["fault"]["error"]:
        match = GATEWAY_MESSAGE.fullmatch(error.get("message", ""))
        if set(error) - {"message", "detail", "code", "element"}:
            found.append(f"undocumented gateway error keys {sorted(error)}")
        if match is None or int(match.group(1)) != status:
            found.append(f"gateway message {error.get('message')!r} does not state HTTP {status}")
    return found


def recorded_answers(cassette: Path) -> list[tuple[int, str, str]]:
    interactions = yaml.safe_load(cassette.read_text())["interactions"]
    answers = []
    for item in interactions:
        response = item["response"]
        headers = {name.lower(): values[0] for name, values in response["headers"].items()}
        answers.append((response["status"]["code"], headers.get("content-type", ""),
                        response["body"]["string"]))
    return answers


@pytest.mark.parametrize("cassette", CASSETTES, ids=lambda path: path.stem)
def test_cassette_answers_match_the_spec(schema, cassette):
    for status, content_type, text in recorded_answers(cassette):
        assert problems(schema, status, content_type, text) == []


def test_cassettes_cover_the_entities_checked():
    """Guards against a vacuous pass: the shapes above must include these bodies."""
    texts = " ".join(text for path in CASSETTES for _, _, text in recorded_answers(path))
    for key in ('"CompanyInfo"', '"Preferences"', '"Fault"', '"fault"'):
        assert key in texts


def sandbox_answers():
    client = sandbox.create_app().test_client()
    for token, realm in qbo_sandbox.SEED["access_tokens"].items():
        auth = {"Authorization": f"Bearer {token}"}
        base = f"/quickbooks/api/v3/company/{realm}"
        yield client.get(f"{base}/companyinfo/{realm}?minorversion=75", headers=auth)
        yield client.get(f"{base}/companyinfo/999?minorversion=75", headers=auth)  # 610 fault
        yield client.get(f"{base}/preferences?minorversion=75", headers=auth)
        yield client.get(f"{base}/preferences?minorversion=75")  # 401
    us_preferences = f"/quickbooks/api/v3/company/{qbo_sandbox.US_REALM}/preferences"
    yield client.get(us_preferences,  # a token granted for the other company: 403
                     headers={"Authorization": "Bearer sandbox-access-token-single-currency"})
    for failure in qbo_sandbox.FAILURES:
        yield client.get(us_preferences, headers={"X-Sandbox-Force": failure})


def test_sandbox_answers_match_the_spec(schema):
    statuses = set()
    for answer in sandbox_answers():
        statuses.add(answer.status_code)
        assert problems(schema, answer.status_code, answer.content_type,
                        answer.get_data(as_text=True)) == [], answer.request.path
    assert statuses == {200, 400, 401, 403, 429, 503}


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
