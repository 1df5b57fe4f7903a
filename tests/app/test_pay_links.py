"""The pay-link picker (/pay-links): invoices found by the number or customer a bookkeeper
knows, links made only for open invoices just read from the ledger, and the pay page saying
what a voided or draft invoice is. QuickBooks and Xero against the sandbox."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from flask_babel import refresh

from addon.pay.links import read_token
from sandbox.xero_seed import INVOICE_IDS
from tests.app.oauth_flow import connect
from tests.app.payment_flow import (
    company_with_stripe,
    count_xero_calls,
    link_path,
    xero_company_with_stripe,
)

FIRST_INVOICE, VOIDED = "130", "132"  # QuickBooks 1001 (open), 1003 (voided)


def page(client, **query) -> tuple[int, str]:
    answer = client.get("/pay-links", query_string=query)
    return answer.status_code, unescape(answer.get_data(as_text=True))


def made_link(text: str) -> str:
    found = re.search(r'id="pay-link" type="text" readonly value="([^"]+)"', text)
    assert found, text
    return found[1]


def rows(text: str) -> list[str]:
    body = text.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in text else ""
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in body.split("</tr>")
            if row.strip()]


@pytest.fixture
def quickbooks(client):
    return company_with_stripe(client)


def test_the_visible_number_finds_the_invoice_and_makes_its_link(client, quickbooks):
    status, text = page(client, q="1001")
    assert status == 200
    assert rows(text) == ["1001 Amy's Bird Sanctuary Feb 11, 2026 250.00 USD Make link"]

    status, text = page(client, q="1001", invoice=FIRST_INVOICE)
    assert status == 200
    link = made_link(text)
    assert read_token(urlsplit(link).path.rsplit("/", 1)[1]).invoice_id == FIRST_INVOICE
    customer = unescape(client.get(urlsplit(link).path).get_data(as_text=True))
    assert "1001" in customer and "250.00" in customer  # the customer sees the invoice


def test_a_customer_name_lists_their_open_invoices_newest_first(client, quickbooks):
    _, text = page(client, q="amy's")
    assert [row.split(" Amy")[0] for row in rows(text)] == ["1002", "1001"]
    assert "No invoice is numbered “amy's”" in text


def test_a_voided_number_is_listed_refused_with_the_reason(client, quickbooks):
    _, text = page(client, q="1003")
    assert rows(text) == ["1003 Bill's Windsurf Shop Feb 14, 2026 0.00 USD "
                          "Voided No link: nothing to pay."]
    assert "Make link" not in text


@pytest.mark.parametrize(("invoice_id", "words"), [
    (VOIDED, "Invoice 1003 was voided: no link was made."),
    ("999999", "QuickBooks has no such invoice: no link was made."),
    ("not-an-id", "QuickBooks has no such invoice: no link was made.")])
def test_no_link_is_made_for_an_invoice_that_cannot_be_paid(client, quickbooks, invoice_id,
                                                             words):
    status, text = page(client, q="", invoice=invoice_id)
    assert status == 400
    assert words in text and 'id="pay-link"' not in text


def test_no_text_lists_the_newest_open_invoices(client, quickbooks):
    _, text = page(client)
    assert "Newest open invoices" in text
    assert [row.split(" ")[0] for row in rows(text)] == ["K-1002", "K-1001", "1002", "1001"]


def test_a_currency_no_gateway_collects_is_said_with_the_link(client, quickbooks):
    _, text = page(client, q="K-1001", invoice="127")
    assert made_link(text)
    assert "No active payment gateway collects KWD yet" in text


def test_too_long_a_search_is_refused_without_asking_the_ledger(client, quickbooks,
                                                                  monkeypatch):
    from connectors.quickbooks.connector import QuickBooksConnector

    monkeypatch.setattr(QuickBooksConnector, "find_invoices", None)  # any call would fail
    status, text = page(client, q="x" * 101)
    assert status == 400 and "Type at most 100 characters" in text


def test_the_page_is_in_french(client, quickbooks):
    assert client.post("/language", data={"language": "fr"}).status_code == 302
    refresh()  # the tests' outer app context would keep the first request's language
    try:
        _, text = page(client, q="1003")
    finally:
        client.post("/language", data={"language": "en"})
        refresh()
    assert "Liens de paiement" in text and "Annulée" in text
    assert "1003 Bill's Windsurf Shop 14 févr. 2026 0,00 USD" in rows(text)[0]


def test_signed_out_people_are_sent_home(client):
    assert client.get("/pay-links").status_code == 302


def test_the_pay_page_says_a_voided_invoice_was_voided(client, quickbooks):
    text = unescape(client.get(link_path(quickbooks, VOIDED)).get_data(as_text=True))
    assert "Invoice 1003 was voided" in text and "already paid" not in text


# Xero -----------------------------------------------------------------------------------------

def test_xero_number_finds_the_invoice_in_four_calls_at_most(client, monkeypatch):
    xero_company_with_stripe(client, {"GBP": "Stripe Clearing"})
    calls = count_xero_calls(monkeypatch)
    _, text = page(client, q="INV-0003")
    assert rows(text) == ["INV-0003 Rotterdam Fietsen B.V. Mar 19, 2026 480.00 EUR Make link"]
    assert calls == [("GET", "Invoices"), ("GET", "Invoices"), ("GET", "Contacts")]


@pytest.mark.parametrize(("number", "shown", "refusal"), [
    ("INV-0004", "Paid No link: nothing left to pay.", "Invoice INV-0004 is already paid"),
    ("INV-0005", "Draft No link: approve it in Xero first.", "Invoice INV-0005 is a draft"),
    ("INV-0006", "Voided No link: nothing to pay.", "Invoice INV-0006 was voided")])
def test_xero_invoices_that_take_no_payment_are_refused(client, number, shown, refusal):
    xero_company_with_stripe(client)
    _, text = page(client, q=number)
    assert rows(text)[0].endswith(shown)
    status, text = page(client, q=number, invoice=INVOICE_IDS[number])
    assert status == 400 and refusal in text


def test_xero_pay_page_says_a_draft_is_not_ready(client):
    company = xero_company_with_stripe(client)
    text = client.get(link_path(company, INVOICE_IDS["INV-0005"])).get_data(as_text=True)
    assert "INV-0005 is not ready to be paid yet" in unescape(text)


def test_a_disconnected_ledger_asks_for_reconnection(client):
    connect(client, "quickbooks")
    from addon.extensions import db
    from addon.models import Company, utcnow

    company = db.session.query(Company).one()
    company.disconnected_at = utcnow()
    db.session.commit()
    _, text = page(client, q="1001")
    assert "QuickBooks is disconnected: reconnect it to find invoices." in text


def test_a_payment_for_an_invoice_sent_back_to_draft_is_refused_before_any_write(client,
                                                                              monkeypatch):
    """Approved when the customer opened the link, back to draft when the payment arrived:
    Xero takes no payment on a draft, so the posting fails with the remedy and nothing is
    written (no PUT /Payments)."""
    import sandbox.xero
    from sandbox import xero_api
    from tests.app.payment_flow import checkout, pay_and_deliver

    company = xero_company_with_stripe(client)
    invoice_id = INVOICE_IDS["INV-0001"]
    session_id = checkout(client, link_path(company, invoice_id), "100.00")
    invoice = next(i for i in xero_api.organisations()[sandbox.xero.UK_ORG]["Invoices"]
                   if i["InvoiceID"] == invoice_id)
    invoice["Status"] = "DRAFT"
    calls = count_xero_calls(monkeypatch)
    pay_and_deliver(client, session_id)

    from addon.extensions import db
    from addon.models import Posting, WorkStatus

    (posting,) = db.session.query(Posting).filter_by(kind="payment").all()
    assert posting.status is WorkStatus.FAILED
    assert "INV-0001 is not approved yet" in posting.error
    assert ("PUT", "Payments") not in calls
