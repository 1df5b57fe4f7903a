"""A role with more candidate accounts than SEARCHABLE_FROM gets a box that narrows its list by
name: rendered by the server in the page's language, hidden until remit.js shows it (without
JavaScript the list stays whole), labelled, and tied to its list. The account chosen is still
checked on the server, however it was found."""

from __future__ import annotations

from flask_babel import refresh
from sqlalchemy import insert, select

from addon.extensions import db
from addon.gateways.configure import SEARCHABLE_FROM
from addon.models import AccountSnapshot, GatewayCurrency, utcnow
from tests.app.page_reading import Page
from tests.app.test_gateway_setup import gateway, save

__all__ = ["gateway"]  # the QuickBooks gateway fixture
EXPENSES = SEARCHABLE_FROM + 20


def add_expenses(company_id: int, count: int = EXPENSES) -> None:
    """A large chart: `count` more expense accounts (fees and dispute-loss candidates)."""
    db.session.execute(insert(AccountSnapshot), [
        {"company_id": company_id, "external_id": f"x{n}", "name": f"Expense {n:04d}",
         "account_type": "Expense", "currency": "USD", "active": True,
         "payments_enabled": False, "fetched_at": utcnow()} for n in range(count)])
    db.session.commit()


def finders(html: str) -> dict[str, dict[str, str]]:
    """List id -> the attributes of its finder box."""
    page = Page(html)
    return {box.attrs["aria-controls"]: box.attrs for box in page.find("input")
            if box.attrs.get("type") == "search"}


def test_a_small_chart_has_no_finder(gateway, client):
    page = client.get(f"/settings/gateways/{gateway.id}").get_data(as_text=True)
    assert finders(page) == {} and "data-finds" not in page


def test_a_large_list_gets_a_hidden_labelled_finder_tied_to_it(gateway, client):
    add_expenses(gateway.company_id)
    html = client.get(f"/settings/gateways/{gateway.id}").get_data(as_text=True)
    found = finders(html)
    # Only the roles with that many candidates: fees and dispute losses (expense accounts
    # take any currency), not deposit, A/R or settlement.
    assert {"fees-USD", "dispute_losses-USD", "fees-EUR"} <= set(found)
    assert {name.partition("-")[0] for name in found} == {"fees", "dispute_losses"}
    page = Page(html)
    labels = {label.attrs["for"]: label.text for label in page.find("label")}
    assert labels["fees-USD-find"] == "Narrow the list “Fees account” by name"
    assert found["fees-USD"]["aria-describedby"] == "fees-USD-found"
    wrapper = next(div for div in page.find("div") if div.attrs.get("data-finds") == "fees-USD")
    assert "hidden" in wrapper.attrs  # shown by remit.js; no dead box without JavaScript
    status = next(p for p in page.find("p") if p.attrs.get("id") == "fees-USD-found")
    assert status.attrs["role"] == "status"
    assert status.attrs["data-found"] == "{shown} of {total} accounts listed below"
    # The list itself is whole and unchanged: every candidate is an option.
    options = [o for o in page.find("option") if o.attrs.get("value", "").startswith("x")]
    assert len(options) >= EXPENSES


def test_the_finder_speaks_french(gateway, client):
    add_expenses(gateway.company_id)
    client.post("/language", data={"language": "fr"})
    refresh()
    try:
        html = client.get(f"/settings/gateways/{gateway.id}").get_data(as_text=True)
    finally:
        refresh()
    page = Page(html)
    labels = {label.attrs["for"]: label.text for label in page.find("label")}
    assert labels["fees-USD-find"] == "Filtrer la liste « Compte de frais » par nom"
    status = next(p for p in page.find("p") if p.attrs.get("id") == "fees-USD-found")
    assert status.attrs["data-found"] == "{shown} comptes sur {total} dans la liste ci-dessous"


def test_an_account_found_in_a_large_list_is_still_checked_on_the_server(gateway, client):
    add_expenses(gateway.company_id)
    assert save(client, gateway, **{"fees-USD": f"x{EXPENSES - 1}"}).status_code == 302
    db.session.expire_all()
    saved = db.session.scalars(select(GatewayCurrency)).one()
    assert saved.fees_account_id == f"x{EXPENSES - 1}"
    refused = save(client, gateway, **{"fees-USD": "not-in-the-chart"})
    assert refused.status_code == 400
    assert 'id="fees-USD-error"' in refused.get_data(as_text=True)
