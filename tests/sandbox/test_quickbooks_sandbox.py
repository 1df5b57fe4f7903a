"""The Intuit stand-in's Accounting API, console and answer shapes, through the Flask test
client (no network): every answer shaped as Intuit's (XSDs and documented OAuth bodies)."""

from __future__ import annotations

import pytest

import sandbox.quickbooks as qbo
from tests.connectors.quickbooks.shapes import load_schema, problems
from tests.sandbox.quickbooks_client import (
    API,
    BASIC,
    REVOKE,
    TOKEN,
    approve,
    exchange,
    query,
    refresh,
    rows,
    seeded_client,
)


@pytest.fixture
def web():
    yield from seeded_client()


# -- shapes ----------------------------------------------------------------------------------
def every_kind_of_answer(web):
    us, gb = (qbo.issue_tokens(realm)["access_token"] for realm in (qbo.US_REALM,
                                                                     qbo.SINGLE_CURRENCY_REALM))
    qbo.create_invoice(qbo.US_REALM, "EUR")
    bearer = {"Authorization": f"Bearer {us}"}
    yield web.get(f"{API}/companyinfo/{qbo.US_REALM}?minorversion=75", headers=bearer)
    yield web.get(f"{API}/companyinfo/999?minorversion=75", headers=bearer)  # 610 fault
    yield web.get(f"{API}/preferences?minorversion=75", headers=bearer)
    yield web.get(f"{API}/preferences?minorversion=75")  # 401
    yield web.get(f"{API}/preferences", headers={"Authorization": f"Bearer {gb}"})  # 403
    for text in ("SELECT * FROM Account WHERE Active IN (true, false)",
                 "SELECT * FROM CompanyCurrency", "SELECT * FROM Invoice",
                 "SELECT * FROM Account WHERE Name = 'nothing'", "SELECT * FROM Account OR"):
        yield query(web, text, us)
    yield query(web, "SELECT * FROM Account", gb, qbo.SINGLE_CURRENCY_REALM)
    for failure in qbo.FAILURES:
        yield web.get(f"{API}/preferences", headers={"X-Sandbox-Force": failure})
    yield exchange(web, approve(web)["code"], **{"x-include-refresh-token-hard-expires-in": "true"})
    yield refresh(web, "not-a-refresh-token")
    yield web.post(TOKEN, data={"grant_type": "refresh_token", "refresh_token": "x"})  # no client
    yield web.post(REVOKE, json={"token": us}, headers=BASIC)


def test_every_answer_is_shaped_as_intuits(web):
    schema, statuses = load_schema(), set()
    for answer in every_kind_of_answer(web):
        statuses.add(answer.status_code)
        found = problems(schema, answer.request.path, answer.status_code, answer.content_type,
                         answer.get_data(as_text=True))
        assert found == [], answer.request.path
    assert statuses == {200, 400, 401, 403, 429, 503}


def test_the_invoice_control_answers_an_xsd_shaped_invoice(web):
    answer = web.post("/quickbooks/sandbox/invoices",
                      json={"realm": qbo.US_REALM, "currency": "EUR", "amount": "250.00"})

    assert answer.status_code == 201
    assert load_schema().check(answer.get_json()) == []
    assert answer.get_json()["Invoice"]["TotalAmt"] == 250.0


# -- Accounting API --------------------------------------------------------------------------
def test_query_pages_honour_startposition_and_maxresults(web):
    token = qbo.issue_tokens(qbo.US_REALM)["access_token"]
    everything = rows(query(web, "SELECT * FROM Account MAXRESULTS 1000", token))

    page = query(web, "SELECT * FROM Account  STARTPOSITION 3 MAXRESULTS 4", token).get_json()

    assert page["QueryResponse"]["startPosition"] == 3
    assert page["QueryResponse"]["maxResults"] == 4
    assert page["QueryResponse"]["Account"] == everything[2:6]


def test_queries_filter_like_intuit(web):
    token = qbo.issue_tokens(qbo.US_REALM)["access_token"]
    names = [a["Name"] for a in rows(query(web, "SELECT * FROM Account", token))]
    deposit = rows(query(web, "SELECT * FROM Account WHERE AccountType IN ('Bank', "
                              "'Other Current Asset') AND Active = true", token))
    currencies = rows(query(web, "SELECT * FROM CompanyCurrency", token), "CompanyCurrency")

    assert "Old Operating Account" not in names  # name lists hide inactive rows by default
    assert {a["AccountType"] for a in deposit} == {"Bank", "Other Current Asset"}
    assert [c["Code"] for c in currencies] == ["EUR", "GBP", "JPY", "KWD"]  # CAD is inactive
    assert query(web, "SELECT * FROM Account WHERE Name = 'x'", token).get_json()[
        "QueryResponse"] == {}


@pytest.mark.parametrize(("sdk_call", "text", "expected_ids"), [
    ("Account.filter(AccountType='Bank', Active=True)",
     "SELECT * FROM Account WHERE AccountType = 'Bank' AND Active = True",
     ["35", "36", "37", "92", "93"]),
    ("Account.choose(['4', '38'])", "SELECT * FROM Account WHERE Id in ('4', '38')", ["4"]),
    ("Account.filter(Name=\"Accounts Receivable (A/R)\")",
     "SELECT * FROM Account WHERE Name = 'Accounts Receivable (A/R)'", ["84"]),
    ("Account.filter(Name=\"Owner's Draw\")",
     "SELECT * FROM Account WHERE Name = 'Owner\\'s Draw'", []),
    ("Account.all()", "SELECT * FROM Account MAXRESULTS 100", None),
])
def test_what_python_quickbooks_sends_is_understood(web, sdk_call, text, expected_ids):
    answer = query(web, text, qbo.issue_tokens(qbo.US_REALM)["access_token"])

    assert answer.status_code == 200, sdk_call
    ids = [account["Id"] for account in rows(answer)]
    assert ids == expected_ids if expected_ids is not None else len(ids) == 17


def test_the_invoice_picker_queries_are_answered_like_intuit(web):
    """What connectors/quickbooks/invoice_search.py sends: LIKE with %, references compared by
    id, Balance as a number, ORDERBY, and a quoted AND or quote kept inside its literal."""
    token = qbo.issue_tokens(qbo.US_REALM)["access_token"]

    def found(text, entity="Invoice"):
        answer = query(web, text, token)
        assert answer.status_code == 200, answer.get_json()
        return [row.get("DocNumber") or row["DisplayName"] for row in rows(answer, entity)]

    assert found("SELECT * FROM Customer WHERE DisplayName LIKE '%BIRD%'", "Customer") == [
        "Amy's Bird Sanctuary"]
    assert found("SELECT * FROM Customer WHERE DisplayName LIKE 'Bill\\'s%'", "Customer") == [
        "Bill's Windsurf Shop"]
    assert found("SELECT * FROM Customer WHERE DisplayName LIKE '%s AND b%'", "Customer") == []
    assert found("SELECT * FROM Invoice WHERE CustomerRef IN ('1', '2') AND Balance > '0' "
                 "ORDERBY TxnDate DESC MAXRESULTS 10") == ["1002", "1001"]
    assert found("SELECT * FROM Invoice WHERE Balance > '100' ORDERBY TxnDate") == [
        "1001", "1002", "K-1001"]
    assert found("SELECT * FROM Invoice WHERE DocNumber = '1003'") == ["1003"]


@pytest.mark.parametrize("text", ["SELECT * FROM Account WHERE Name LIKE C%",
                                  "SELECT * FROM Account WHERE Active = true OR Id = '4'",
                                  "SELECT count(*) FROM Account",
                                  "SELECT * FROM Account ORDERBY Colour",
                                  "SELECT * FROM Account WHERE Name > 'C' AND Balance < 'x'",
                                  "SELECT * FROM Account STARTPOSITION 0",
                                  "SELECT * FROM Account WHERE Colour = 'red'"])
def test_what_the_sandbox_cannot_answer_is_a_4001_fault(web, text):
    answer = query(web, text, qbo.issue_tokens(qbo.US_REALM)["access_token"])

    assert answer.status_code == 400
    assert answer.get_json()["Fault"]["Error"][0]["code"] == "4001"


def test_no_euro_receivable_account_until_the_first_euro_invoice(web):
    token = qbo.issue_tokens(qbo.US_REALM)["access_token"]
    receivable = "SELECT * FROM Account WHERE AccountType = 'Accounts Receivable'"
    before = [a["Name"] for a in rows(query(web, receivable, token))]

    for _ in range(2):
        web.post("/quickbooks/sandbox/invoices", json={"realm": qbo.US_REALM, "currency": "EUR"})

    after = rows(query(web, receivable, token))
    assert before == ["Accounts Receivable (A/R)", "Accounts Receivable (A/R) - KWD"]
    assert [(a["Name"], a["CurrencyRef"]["value"]) for a in after] == [
        ("Accounts Receivable (A/R)", "USD"), ("Accounts Receivable (A/R) - KWD", "KWD"),
        ("Accounts Receivable (A/R) - EUR", "EUR")]


def test_an_invoice_in_a_currency_the_company_lacks_is_refused(web):
    answer = web.post("/quickbooks/sandbox/invoices",
                      json={"realm": qbo.SINGLE_CURRENCY_REALM, "currency": "EUR"})

    assert answer.status_code == 400 and "EUR" in answer.get_json()["error"]


def test_the_console_creates_invoices_and_reports_it(web):
    page = web.get("/quickbooks/").get_data(as_text=True)
    done = web.post("/quickbooks/sandbox/invoices",
                    data={"realm": qbo.US_REALM, "currency": "EUR"}, follow_redirects=True)

    assert '<html lang="en">' in page and page.count("Create a EUR invoice") == 1
    assert "none yet (created by the first invoice in EUR)" in page
    assert 'role="status"' in page
    assert "on Accounts Receivable (A/R) - EUR." in done.get_data(as_text=True)
