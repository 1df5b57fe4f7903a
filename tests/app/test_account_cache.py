"""Pages read the chart of accounts from the cache; a periodic job keeps it fresh."""

from sqlalchemy import select

import addon.ledger
import sandbox.quickbooks
from addon.extensions import db
from addon.jobs import refresh_all_ledgers
from addon.models import AccountSnapshot, Company, ConnectionStatus
from tests.app.oauth_flow import connect


def test_the_settings_page_makes_no_platform_call(client, monkeypatch):
    connect(client, "quickbooks")

    def no_calls(*args, **kwargs):
        raise AssertionError("a page called the accounting platform")

    monkeypatch.setattr(addon.ledger, "build_connector", no_calls)
    page = client.get("/settings/gateways")
    assert page.status_code == 200
    assert "Undeposited Funds" in page.get_data(as_text=True)


def test_the_cache_holds_every_account_with_its_role_data(client):
    connect(client, "quickbooks")
    rows = list(db.session.scalars(select(AccountSnapshot)))
    assert len(rows) > 10
    assert any(not row.active for row in rows)  # inactive accounts are cached, not offered
    assert {row.currency for row in rows} >= {"USD", "EUR", "GBP"}


def test_the_periodic_refresh_skips_companies_that_need_reconnecting(client):
    connect(client, "quickbooks")
    company = db.session.scalar(select(Company))
    first_read = company.accounts_fetched_at
    assert refresh_all_ledgers.call_local() == 1
    db.session.expire_all()
    assert company.accounts_fetched_at > first_read
    sandbox.quickbooks.revoke_all()
    assert refresh_all_ledgers.call_local() == 1  # it tries, learns, and marks the company
    db.session.expire_all()
    assert company.status is ConnectionStatus.NEEDS_RECONNECT
    assert refresh_all_ledgers.call_local() == 0  # then it waits for the reconnection


def test_the_settings_page_in_french(client):
    client.post("/language", data={"language": "fr"})
    connect(client, "quickbooks")
    page = client.get("/settings/gateways").get_data(as_text=True)
    for french in ("Paramètres des passerelles de paiement", "Devises et comptes dans QuickBooks",
                   "Déconnecter Remit de QuickBooks", "Pas encore de compte clients en EUR",
                   "Actualiser", "Comptes de dépôt"):
        assert french in page
    for english in ("Payment gateway settings", "Deposit accounts", "Refresh<"):
        assert english not in page
