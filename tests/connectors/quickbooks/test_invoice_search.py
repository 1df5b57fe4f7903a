"""find_invoices(): the pay-link picker's search through the real SDK, replayed from cassettes
recorded against the sandbox's seed (invoices 1001 and 1002 open for Amy's Bird Sanctuary, 1003
voided for Bill's Windsurf Shop, KWD K-1001 and K-1002 for Gulf Pearl Trading)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from connectors.quickbooks.invoice_search import like_contains, quoted
from tests.connectors.quickbooks.conftest import US_REALM

AMYS_SECOND = "131"


def statements(cassette) -> list[str]:
    """The query each request sent (python-quickbooks POSTs it as the body)."""
    found = []
    for request in cassette.requests:
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        found.append(body or parse_qs(urlsplit(request.uri).query).get("query", [""])[0])
    return found


def search(qbo, text: str, limit: int = 10):
    return qbo.connector(US_REALM, home_currency="USD").find_invoices(text, limit)


@pytest.mark.vcr
def test_the_visible_number_finds_the_invoice(qbo, vcr):
    found = search(qbo, "1001")

    assert [(i.id, i.number, i.customer_name, i.status, i.balance, i.currency, i.due_date)
            for i in found] == [("130", "1001", "Amy's Bird Sanctuary", "open",
                                 Decimal("250.00"), "USD", date(2026, 2, 11))]
    assert statements(vcr) == [
        "SELECT * FROM Invoice WHERE DocNumber = '1001' MAXRESULTS 10",
        "SELECT * FROM Customer WHERE DisplayName LIKE '%1001%' MAXRESULTS 20"]


@pytest.mark.vcr
def test_a_voided_number_comes_back_voided(qbo):
    assert [(i.number, i.status, i.balance) for i in search(qbo, "1003")] == [
        ("1003", "void", Decimal("0.00"))]


@pytest.mark.vcr
def test_a_paid_number_comes_back_paid(qbo):
    qbo.receive_payment(US_REALM, AMYS_SECOND)

    assert [(i.number, i.status) for i in search(qbo, "1002")] == [("1002", "paid")]


@pytest.mark.vcr
def test_an_unknown_number_finds_nothing(qbo):
    assert search(qbo, "9999") == []


@pytest.mark.vcr
def test_part_of_a_customer_name_finds_their_open_invoices(qbo, vcr):
    found = search(qbo, "bird")

    assert [(i.number, i.customer_name) for i in found] == [
        ("1002", "Amy's Bird Sanctuary"), ("1001", "Amy's Bird Sanctuary")]  # newest first
    assert statements(vcr)[2] == ("SELECT * FROM Invoice WHERE CustomerRef IN ('1') AND "
                                  "Balance > '0' ORDERBY TxnDate DESC MAXRESULTS 10")


@pytest.mark.vcr
def test_a_quote_in_the_text_stays_inside_the_literal(qbo, vcr):
    found = search(qbo, "Bill's")

    assert found == []  # Bill's only invoice is voided: no open one to offer
    assert statements(vcr) == [
        "SELECT * FROM Invoice WHERE DocNumber = 'Bill\\'s' MAXRESULTS 10",
        "SELECT * FROM Customer WHERE DisplayName LIKE '%Bill\\'s%' MAXRESULTS 20",
        "SELECT * FROM Invoice WHERE CustomerRef IN ('2') AND Balance > '0' "
        "ORDERBY TxnDate DESC MAXRESULTS 10"]


@pytest.mark.vcr
def test_no_text_lists_the_newest_open_invoices_in_one_query(qbo, vcr):
    found = search(qbo, "", limit=3)

    assert [i.number for i in found] == ["K-1002", "K-1001", "1002"]
    assert statements(vcr) == [
        "SELECT * FROM Invoice WHERE Balance > '0' ORDERBY TxnDate DESC MAXRESULTS 3"]


def test_literals_escape_what_would_end_them():
    assert quoted("O'Brien \\ Co") == "'O\\'Brien \\\\ Co'"
    assert like_contains("100%") == "'%100%'"  # a typed % is no wildcard
