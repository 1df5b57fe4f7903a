"""The Xero stand-in's list reads behind the pay-link picker (GET /Invoices, GET /Contacts):
Xero's documented filters applied, anything else refused, answers shaped as Xero's spec says."""

from __future__ import annotations

import pytest

import sandbox.xero as xero
from sandbox.hosts import to_real
from tests.connectors.xero.spec import XeroSpec
from tests.sandbox.test_xero_sandbox import ACCOUNTING, bearer, tokens_for

SCOPE = "openid offline_access accounting.invoices accounting.contacts.read"
CITY_LIMOUSINES = "7b239be2-7f64-5709-b3ae-7266c3220f49"


@pytest.fixture
def get(client):
    headers = bearer(tokens_for(client, scope=SCOPE)["access_token"], xero.UK_ORG)

    def read(entity, **query):
        answer = client.get(f"{ACCOUNTING}/{entity}", headers=headers, query_string=query)
        problems = XeroSpec().problems(
            "GET", to_real(f"http://localhost{ACCOUNTING}/{entity}", "http://localhost"),
            answer.status_code, {k.lower(): v for k, v in answer.headers.items()}
            | {"xero-tenant-id": xero.UK_ORG}, answer.get_data())
        assert problems == [], problems
        return answer
    return read


def numbers(answer) -> list[str]:
    assert answer.status_code == 200, answer.json
    return [invoice["InvoiceNumber"] for invoice in answer.json["Invoices"]]


def test_invoice_filters_are_applied(get):
    assert numbers(get("Invoices", InvoiceNumbers="inv-0005,INV-0006")) == [
        "INV-0005", "INV-0006"]
    assert numbers(get("Invoices", searchTerm="0003")) == ["INV-0003"]
    assert numbers(get("Invoices", ContactIDs=CITY_LIMOUSINES, Statuses="AUTHORISED")) == [
        "INV-0001"]
    assert numbers(get("Invoices", Statuses="AUTHORISED", order="Date DESC", page=1,
                       pageSize=2, where='Type=="ACCREC"')) == ["INV-0008", "INV-0007"]


def test_a_page_asked_for_says_how_many_there_are(get):
    answer = get("Invoices", Statuses="AUTHORISED", page=2, pageSize=4)
    assert answer.json["pagination"] == {"page": 2, "pageSize": 4, "pageCount": 2,
                                         "itemCount": 5}
    assert numbers(answer) == ["INV-0008"]


def test_contacts_are_searched_by_name_or_email(get):
    def names(**query):
        return [c["Name"] for c in get("Contacts", **query).json["Contacts"]]

    assert names(searchTerm="limousines") == ["City Limousines"]
    assert names(searchTerm="rotterdamfietsen.example") == ["Rotterdam Fietsen B.V."]
    assert names(searchTerm="nobody") == []


@pytest.mark.parametrize(("entity", "query"), [
    ("Invoices", {"ContactIDs": "not-a-guid"}), ("Invoices", {"Colour": "red"}),
    ("Invoices", {"where": 'Contact.Name.Contains("City")'}), ("Contacts", {"IDs": "x"})])
def test_what_the_stand_in_does_not_apply_is_refused(get, entity, query):
    assert get(entity, **query).status_code == 400


def test_contacts_need_a_contacts_scope(client):
    token = tokens_for(client, scope="openid accounting.invoices")["access_token"]
    answer = client.get(f"{ACCOUNTING}/Contacts", headers=bearer(token, xero.UK_ORG))
    assert answer.status_code == 403
