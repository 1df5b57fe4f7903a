"""Connect to QuickBooks through the sandbox: the whole OAuth round trip and its failures."""

from sqlalchemy import func, select

from addon.extensions import db
from addon.models import Company, ConnectionStatus, Membership, Platform, PlatformConnection, User
from tests.app.oauth_flow import connect, consent_redirect, with_params

US_COMPANY = "Remit Sandbox Company US"


def counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Company, PlatformConnection, User, Membership))


def test_connecting_lands_on_the_settings_page_with_the_company(client):
    answer = connect(client, "quickbooks")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/settings/gateways")
    page = client.get("/settings/gateways").get_data(as_text=True)
    assert US_COMPANY in page
    assert "Disconnect from QuickBooks" in page
    assert "Connect to QuickBooks" not in page  # Intuit: hidden once connected
    company = db.session.scalar(select(Company))
    assert company.platform is Platform.QUICKBOOKS
    assert company.home_currency == "USD" and company.multicurrency
    assert company.currencies == ["EUR", "GBP", "JPY", "KWD", "USD"]
    assert company.accounts_fetched_at is not None
    user = db.session.scalar(select(User))
    assert user.email == "owner@example.com"
    grant = company.connection
    assert grant.status is ConnectionStatus.ACTIVE and grant.refresh_token
    assert grant.refresh_expires_at is not None
    assert grant.refresh_hard_expires_at > grant.refresh_expires_at  # Intuit's 5-year cap


def test_the_currencies_page_explains_the_missing_eur_receivable(client):
    connect(client, "quickbooks")
    page = client.get("/settings/gateways").get_data(as_text=True)
    assert "No A/R account in EUR yet" in page
    assert "Undeposited Funds" in page


def test_denying_consent_changes_nothing(client):
    answer = connect(client, "quickbooks", approve=False)
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "You cancelled the connection to QuickBooks" in page
    assert 'href="/connect/quickbooks"' in page  # Try again
    assert counts() == (0, 0, 0, 0)


def test_a_forged_or_replayed_state_is_refused(client):
    callback = consent_redirect(client, "quickbooks")
    assert client.get(with_params(callback, state="forged")).status_code == 400
    assert client.get(callback).status_code == 302
    replayed = client.get(callback)
    assert replayed.status_code == 400
    assert "expired or was already used" in replayed.get_data(as_text=True)
    assert counts() == (1, 1, 1, 1)


def test_a_bad_code_is_refused_and_nothing_half_created(client):
    answer = client.get(with_params(consent_redirect(client, "quickbooks"), code="not-a-code"))
    assert answer.status_code == 400
    assert "did not accept the sign-in code" in answer.get_data(as_text=True)
    assert counts() == (0, 0, 0, 0)


def test_a_callback_without_realm_is_refused(client):
    answer = client.get(with_params(consent_redirect(client, "quickbooks"), realmId=None))
    assert answer.status_code == 400
    assert "did not say which company" in answer.get_data(as_text=True)
    assert counts() == (0, 0, 0, 0)


def test_launch_signs_in_or_goes_straight_to_settings(client):
    assert client.get("/launch/quickbooks").headers["Location"].endswith("/connect/quickbooks")
    connect(client, "quickbooks")
    assert client.get("/launch/quickbooks").headers["Location"].endswith("/settings/gateways")


def test_disconnect_revokes_and_reconnect_reuses_the_company(client):
    connect(client, "quickbooks")
    company = db.session.scalar(select(Company))
    answer = client.post(f"/companies/{company.id}/disconnect")
    assert answer.status_code == 302
    db.session.expire_all()
    assert company.status is ConnectionStatus.DISCONNECTED
    assert db.session.scalar(select(PlatformConnection)).refresh_token is None
    page = client.get("/settings/gateways").get_data(as_text=True)
    assert "Reconnect to QuickBooks" in page and "is disconnected from" in page
    connect(client, "quickbooks")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Company)) == 1
    assert company.status is ConnectionStatus.ACTIVE


def test_another_users_company_is_out_of_reach(client, app):
    connect(client, "quickbooks")
    company = db.session.scalar(select(Company))
    stranger = app.test_client()
    other = User(platform=Platform.XERO, subject="someone-else")
    db.session.add(other)
    db.session.commit()
    with stranger.session_transaction() as session:
        session["user_id"] = other.id
    assert stranger.post(f"/companies/{company.id}/disconnect").status_code == 404
    assert stranger.post("/settings/accounts/refresh",
                         data={"company_id": company.id}).status_code == 404
    assert stranger.post("/settings/company", data={"company_id": company.id}).status_code == 404
    db.session.expire_all()
    assert company.status is ConnectionStatus.ACTIVE


def test_intuit_disconnect_landing_page(client):
    page = client.get("/disconnected/quickbooks")
    assert page.status_code == 200
    assert "Connect to QuickBooks" in page.get_data(as_text=True)


def test_expired_tokens_refresh_and_the_first_eur_invoice_brings_its_receivable(client):
    import sandbox.quickbooks

    connect(client, "quickbooks")
    company = db.session.scalar(select(Company))
    before = company.connection.refresh_token
    sandbox.quickbooks.expire_access_tokens()
    created = requests_post_invoice(company.external_id, "EUR")
    assert created.status_code in (200, 201), created.text
    client.post("/settings/accounts/refresh", data={"company_id": company.id})
    page = client.get("/settings/gateways").get_data(as_text=True)
    assert "Chart of accounts refreshed." in page
    assert "No A/R account in EUR yet" not in page
    assert "Accounts Receivable (A/R) - EUR" in page
    db.session.expire_all()
    assert company.connection.refresh_token != before


def test_a_revoked_connection_waits_for_reconnection(client):
    import sandbox.quickbooks

    connect(client, "quickbooks")
    company = db.session.scalar(select(Company))
    sandbox.quickbooks.revoke_all()
    answer = client.post("/settings/accounts/refresh", data={"company_id": company.id})
    assert answer.status_code == 302
    db.session.expire_all()
    assert company.status is ConnectionStatus.NEEDS_RECONNECT
    page = client.get("/settings/gateways").get_data(as_text=True)
    assert "Reconnect to QuickBooks" in page
    assert "Reconnect the company to refresh its accounts." in page


def requests_post_invoice(realm: str, currency: str):
    """The sandbox console's control: what saving an invoice in QuickBooks does to accounts."""
    import requests
    from flask import current_app

    return requests.post(f"{current_app.config['SANDBOX_URL']}/quickbooks/sandbox/invoices",
                         json={"realm": realm, "currency": currency}, timeout=10)
