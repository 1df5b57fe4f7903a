"""Connect to Xero through the sandbox: choosing organisations, one grant shared by them,
disconnecting one or all, and a grant the user revoked inside Xero."""

from datetime import timedelta

from sqlalchemy import func, select

import sandbox.xero
import sandbox.xero_tenancy
from addon.extensions import db
from addon.models import Company, ConnectionStatus, OAuthHandoff, PlatformConnection
from tests.app.oauth_flow import connect

UK, FR = "Remit Demo Company (UK)", "Remit Démo SARL"


def companies():
    return list(db.session.scalars(select(Company).order_by(Company.name)))


def choose(client, *names):
    page = client.get("/auth/xero/organisations")
    assert page.status_code == 200
    handoff = db.session.scalar(select(OAuthHandoff))
    ids = [t["tenant_id"] for t in handoff.tenants if t["name"] in names]
    return client.post("/auth/xero/organisations", data={"tenant": ids})


def test_several_organisations_are_chosen_and_share_one_grant(client):
    answer = connect(client, "xero")
    assert answer.headers["Location"].endswith("/auth/xero/organisations")
    page = client.get("/auth/xero/organisations").get_data(as_text=True)
    assert UK in page and FR in page
    assert choose(client, UK, FR).headers["Location"].endswith("/settings/gateways")
    uk, fr = sorted(companies(), key=lambda c: c.name != UK)
    assert uk.connection_id == fr.connection_id
    assert uk.home_currency == "GBP" and uk.multicurrency
    assert fr.home_currency == "EUR" and not fr.multicurrency
    assert uk.xero_connection_id and fr.xero_connection_id != uk.xero_connection_id
    assert db.session.scalar(select(OAuthHandoff)) is None  # tokens left the hand-off table
    settings = client.get("/settings/gateways").get_data(as_text=True)
    assert "Xero uses this one account for every currency." in settings
    assert "Stripe Clearing" in settings


def test_one_organisation_named_at_xero_is_connected_without_asking_again(client):
    answer = connect(client, "xero", choices={"tenant": sandbox.xero.UK_ORG})
    assert answer.headers["Location"].endswith("/settings/gateways")
    assert [c.name for c in companies()] == [UK]
    assert db.session.scalar(select(OAuthHandoff)) is None


def test_a_later_consent_offers_only_the_organisations_it_named(client):
    """Organisations connected by an earlier consent are still connected at Xero (GET
    /connections lists them), but this consent named one: it is connected directly."""
    connect(client, "xero", choices={"tenant": sandbox.xero.UK_ORG})
    answer = connect(client, "xero", choices={"tenant": sandbox.xero.FR_ORG})
    assert answer.headers["Location"].endswith("/settings/gateways")
    assert [c.name for c in companies()] == [UK, FR]
    assert len(sandbox.xero_tenancy.all_connections()) == 2


def test_several_organisations_named_at_xero_are_asked_about_and_why(client):
    answer = connect(client, "xero")
    assert answer.headers["Location"].endswith("/auth/xero/organisations")
    page = client.get("/auth/xero/organisations").get_data(as_text=True)
    assert "you allowed 2 organisations" in page


def test_organisations_left_out_get_their_access_given_back(client):
    connect(client, "xero")
    choose(client, FR)
    assert [c.name for c in companies()] == [FR]
    assert len(sandbox.xero_tenancy.all_connections()) == 1


def test_choosing_nothing_is_refused_and_keeps_the_choice_open(client):
    connect(client, "xero")
    answer = client.post("/auth/xero/organisations", data={})
    assert answer.status_code == 400
    assert "Choose at least one organisation" in answer.get_data(as_text=True)
    assert companies() == []
    assert choose(client, UK).status_code == 302


def test_an_expired_choice_is_refused(client):
    connect(client, "xero")
    handoff = db.session.scalar(select(OAuthHandoff))
    handoff.expires_at -= timedelta(hours=1)
    db.session.commit()
    answer = client.get("/auth/xero/organisations")
    assert answer.status_code == 400
    assert "choice of organisations expired" in answer.get_data(as_text=True)


def test_cancelling_at_xero_changes_nothing(client):
    answer = connect(client, "xero", approve=False)
    assert answer.status_code == 400
    assert "You cancelled the connection to Xero" in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PlatformConnection)) == 0


def test_disconnecting_one_organisation_keeps_the_other(client):
    connect(client, "xero")
    choose(client, UK, FR)
    uk, fr = sorted(companies(), key=lambda c: c.name != UK)
    client.post(f"/companies/{uk.id}/disconnect")
    db.session.expire_all()
    assert uk.status is ConnectionStatus.DISCONNECTED
    assert fr.status is ConnectionStatus.ACTIVE and fr.connection.refresh_token
    assert len(sandbox.xero_tenancy.all_connections()) == 1
    client.post(f"/companies/{fr.id}/disconnect")
    db.session.expire_all()
    assert fr.status is ConnectionStatus.DISCONNECTED
    assert sandbox.xero_tenancy.all_connections() == []


def test_expired_access_tokens_are_refreshed_and_the_rotation_stored(client):
    connect(client, "xero")
    choose(client, UK)
    (company,) = companies()
    before = company.connection.refresh_token
    sandbox.xero.expire_access_tokens()
    answer = client.post("/settings/accounts/refresh", data={"company_id": company.id})
    assert answer.status_code == 302
    assert "Chart of accounts refreshed." in client.get("/settings/gateways").get_data(as_text=True)
    db.session.expire_all()
    assert company.connection.refresh_token != before
    assert company.status is ConnectionStatus.ACTIVE


def test_a_grant_revoked_in_xero_asks_for_reconnection_then_recovers(client):
    connect(client, "xero")
    choose(client, UK)
    (company,) = companies()
    sandbox.xero.revoke_grants()
    client.post("/settings/accounts/refresh", data={"company_id": company.id})
    db.session.expire_all()
    assert company.status is ConnectionStatus.NEEDS_RECONNECT
    page = client.get("/settings/gateways").get_data(as_text=True)
    assert "Needs reconnecting" in page and "Reconnect to Xero" in page
    connect(client, "xero")
    choose(client, UK)
    db.session.expire_all()
    assert company.status is ConnectionStatus.ACTIVE
