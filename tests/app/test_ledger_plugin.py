"""A ledger added by an outside package is stored, routed and budgeted like a built-in one,
with no migration and no edit to the add-on."""

from __future__ import annotations

import pytest

from addon import platforms
from addon.extensions import db
from addon.ledger import RULES
from addon.models import Company
from addon.posting import limits
from tests import plugin_ledger


@pytest.fixture
def sage(tmp_path, monkeypatch):
    plugin_ledger.install(tmp_path, monkeypatch)
    yield platforms.get("sage")
    plugin_ledger.uninstall(monkeypatch)


def test_a_plugin_ledgers_companies_are_stored_under_its_key(sage, app):
    db.session.add(Company(platform="sage", external_id="s-1", name="Org", home_currency="GBP"))
    db.session.commit()
    db.session.expire_all()
    company = db.session.scalars(db.select(Company)).one()
    assert company.platform == "sage" and company.ledger is sage
    assert RULES[company.platform] is sage.rules
    assert limits.calls_per_minute(company.platform) == 100  # its descriptor's budget


def test_a_plugin_ledger_has_the_sign_in_routes(sage, client):
    refused = client.get("/connect/sage")  # no REMIT_SAGE_* credentials in this deployment
    assert refused.status_code == 400
    assert "Sage Test is not set up on this Remit server" in refused.get_data(as_text=True)
    assert client.get("/connect/freeagent").status_code == 404
    assert client.get("/disconnected/sage").status_code == 404  # it has no Disconnect URL


def test_a_plugin_ledger_without_invoice_search_says_so_on_pay_links(sage, app, client,
                                                                     monkeypatch):
    """A ledger plugin need not search its invoices: the Pay links page says it cannot,
    instead of failing."""
    from addon.models import Membership, User
    from addon.paylinks import views as paylinks
    from tests.app.reconcile_data import sign_in

    company = Company(platform="sage", external_id="s-2", name="Org", home_currency="GBP")
    user = User(platform="sage", subject="u-1", email="a@example.com", name="A")
    db.session.add_all([company, user, Membership(user=user, company=company)])
    db.session.commit()
    sign_in(client, user, company)
    monkeypatch.setattr(paylinks, "connector_for", lambda company: object())

    answer = client.get("/pay-links", query_string={"q": "1001"})

    assert answer.status_code == 200
    assert "this ledger" in answer.get_data(as_text=True)
