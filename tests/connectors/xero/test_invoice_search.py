"""find_invoices(): the pay-link picker's search through xero-python, replayed from cassettes
recorded against the sandbox's UK organisation (INV-0001 City Limousines, INV-0002 Bayside Club,
INV-0003 EUR Rotterdam Fietsen open; INV-0004 paid, INV-0005 draft, INV-0006 voided)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from sandbox.xero_seed import INVOICE_IDS
from tests.connectors.xero.conftest import UK_ORG


def queries(cassette) -> list[dict[str, list[str]]]:
    return [{"path": [urlsplit(r.uri).path.rsplit("/", 1)[1]], **parse_qs(urlsplit(r.uri).query)}
            for r in cassette.requests]


def search(xero, text: str, limit: int = 10):
    return xero.connector(UK_ORG, base_currency="GBP").find_invoices(text, limit)


@pytest.mark.vcr
def test_the_number_finds_the_invoice(xero, vcr):
    found = search(xero, "INV-0003")

    assert [(i.id, i.number, i.customer_name, i.status, i.balance, i.currency, i.due_date)
            for i in found] == [(INVOICE_IDS["INV-0003"], "INV-0003", "Rotterdam Fietsen B.V.",
                                 "open", Decimal("480.00"), "EUR", date(2026, 3, 19))]
    sent = queries(vcr)
    assert [q["path"][0] for q in sent] == ["Invoices", "Invoices", "Contacts"]
    assert sent[0]["InvoiceNumbers"] == ["INV-0003"] and sent[0]["where"] == ['Type=="ACCREC"']
    assert sent[1]["searchTerm"] == ["INV-0003"] and sent[1]["Statuses"] == ["AUTHORISED"]


@pytest.mark.vcr
@pytest.mark.parametrize(("number", "status"), [
    ("INV-0004", "paid"), ("INV-0005", "draft"), ("INV-0006", "void")])
def test_a_number_that_takes_no_payment_says_why(xero, number, status):
    assert [(i.number, i.status) for i in search(xero, number)] == [(number, status)]


@pytest.mark.vcr
def test_an_unknown_number_finds_nothing(xero):
    assert search(xero, "INV-9999") == []


@pytest.mark.vcr
def test_part_of_a_contact_name_finds_their_open_invoices(xero, vcr):
    found = search(xero, "limousines")

    assert [(i.number, i.status) for i in found] == [("INV-0001", "open")]  # 0004, 0006 not
    assert queries(vcr)[3]["ContactIDs"] == ["7b239be2-7f64-5709-b3ae-7266c3220f49"]


@pytest.mark.vcr
def test_a_quote_is_sent_as_a_parameter_never_in_where(xero, vcr):
    assert search(xero, 'O\'Brien "Bikes"') == []
    sent = queries(vcr)
    assert sent[1]["searchTerm"] == ['O\'Brien "Bikes"']
    assert all(q.get("where", ['Type=="ACCREC"']) == ['Type=="ACCREC"'] for q in sent)


@pytest.mark.vcr
def test_no_text_lists_the_newest_open_invoices_in_one_call(xero, vcr):
    found = search(xero, "", limit=3)

    assert [i.number for i in found] == ["INV-0008", "INV-0007", "INV-0003"]
    assert len(queries(vcr)) == 1
