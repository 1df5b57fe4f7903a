"""Disconnect from QuickBooks or Xero asks first (a page: no JavaScript needed), and while a
company is disconnected its gateways say so, with the way back, instead of "Active"."""

import pytest
from sqlalchemy import select

from addon.extensions import db
from addon.models import Company, ConnectionStatus, Gateway, PlatformConnection
from tests.app.oauth_flow import connect
from tests.app.page_reading import Page, inside, speak
from tests.app.payment_flow import company_with_stripe, xero_company_with_stripe

PLATFORMS = {"quickbooks": ("QuickBooks", company_with_stripe),
             "xero": ("Xero", xero_company_with_stripe)}


def gateway_row(page: Page):
    (table,) = page.with_class("gateways-table")
    return next(e for e in page.find("tr") if inside(e, table) and e.parent.tag == "tbody")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_settings_button_asks_first_and_only_post_disconnects(client, platform):
    name, with_stripe = PLATFORMS[platform]
    company = with_stripe(client)
    settings = Page(client.get("/settings/gateways").get_data(as_text=True))
    (button,) = [b for b in settings.find("button") if b.text == f"Disconnect from {name}"]
    (opener,) = [f for f in settings.find("form") if inside(button, f)]
    assert opener.attrs["method"] == "get"  # it only opens the confirmation
    assert opener.attrs["action"] == f"/companies/{company.id}/disconnect"
    confirm = client.get(opener.attrs["action"])
    assert confirm.status_code == 200
    page = Page(confirm.get_data(as_text=True))
    assert page.text_of("h1") == f"Disconnect {company.name} from {name}?"
    assert page.text_of("title").startswith(page.text_of("h1"))
    (confirm_button,) = [b for b in page.find("button") if b.text == f"Disconnect from {name}"]
    (form,) = [f for f in page.find("form") if inside(confirm_button, f)]
    assert form.attrs["method"] == "post" and "action" not in form.attrs  # back to this address
    db.session.expire_all()
    assert company.status is ConnectionStatus.ACTIVE  # asking changed nothing

    assert client.post(f"/companies/{company.id}/disconnect").status_code == 302
    db.session.expire_all()
    assert company.status is ConnectionStatus.DISCONNECTED


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_disconnected_companys_gateways_say_so_with_the_way_back(client, platform):
    name, with_stripe = PLATFORMS[platform]
    company = with_stripe(client)
    active = gateway_row(Page(client.get("/settings/gateways").get_data(as_text=True)))
    assert "Active" in active.text
    client.post(f"/companies/{company.id}/disconnect")
    page = Page(client.get("/settings/gateways").get_data(as_text=True))
    row = gateway_row(page)
    assert f"Disconnected from {name}" in row.text and "Active" not in row.text
    (reconnect,) = [a for a in page.find("a")
                    if a.text == f"Reconnect to {name}" and inside(a, row)]
    assert reconnect.attrs["href"] == f"/connect/{platform}"
    gateway = db.session.scalar(select(Gateway))
    form = Page(client.get(f"/settings/gateways/{gateway.id}").get_data(as_text=True))
    assert f"Disconnected from {name}" in form.with_class("account-summary")[0].text


def test_a_company_waiting_for_reconnection_says_so_too(client):
    company = company_with_stripe(client)
    grant = db.session.scalar(select(PlatformConnection))
    grant.status = ConnectionStatus.NEEDS_RECONNECT
    db.session.commit()
    row = gateway_row(Page(client.get("/settings/gateways").get_data(as_text=True)))
    assert "Waiting for QuickBooks" in row.text and "Active" not in row.text
    assert company.status is ConnectionStatus.NEEDS_RECONNECT


def test_the_confirmation_and_the_badge_in_french(client):
    company = company_with_stripe(client)
    speak(client, "fr")
    page = Page(client.get(f"/companies/{company.id}/disconnect").get_data(as_text=True))
    assert page.text_of("h1") == f"Déconnecter {company.name} de QuickBooks ?"
    assert "rien n’est perdu" in page.text_of("main")
    client.post(f"/companies/{company.id}/disconnect")
    row = gateway_row(Page(client.get("/settings/gateways").get_data(as_text=True)))
    assert "Déconnectée de QuickBooks" in row.text and "Reconnecter" in row.text


def test_another_users_company_cannot_even_be_asked_about(client, app):
    connect(client, "quickbooks")
    company = db.session.scalar(select(Company))
    stranger = app.test_client()
    with stranger.session_transaction() as session:
        session["user_id"] = 999
    assert stranger.get(f"/companies/{company.id}/disconnect").status_code in (302, 404)
