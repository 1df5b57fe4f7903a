"""Two tabs on one gateway's form: the second save is told the gateway changed meanwhile and
sees the saved values, instead of silently overwriting the first."""

import pytest
from sqlalchemy import select

from addon.extensions import db
from addon.gateways.configure import _claim_version
from addon.models import Gateway
from tests.app.oauth_flow import connect
from tests.app.page_reading import Page, speak
from tests.app.stripe_flow import connect_stripe

FORM = {"description": "Stripe.com", "currency": ["USD"], "deposit-USD": "4",
        "receivable-USD": "84", "action": "save"}


@pytest.fixture
def gateway(client) -> Gateway:
    connect(client, "quickbooks")
    connect_stripe(client)
    return db.session.scalar(select(Gateway))


def version_in(client, gateway) -> str:
    page = Page(client.get(f"/settings/gateways/{gateway.id}").get_data(as_text=True))
    return page.find("input", name="version")[0].attrs["value"]


def test_the_second_tab_is_told_and_sees_the_first_tabs_values(client, gateway):
    tab_a, tab_b = version_in(client, gateway), version_in(client, gateway)
    assert tab_a == tab_b == "1"
    first = client.post(f"/settings/gateways/{gateway.id}",
                        data={**FORM, "description": "Shop (tab A)", "version": tab_a})
    assert first.status_code == 302
    second = client.post(f"/settings/gateways/{gateway.id}",
                         data={**FORM, "description": "Shop (tab B)", "version": tab_b})
    assert second.status_code == 409
    page = Page(second.get_data(as_text=True))
    (alert,) = page.find("div", role="alert")
    assert alert.text.startswith("Shop (tab A) was changed meanwhile, in another tab or by "
                                 "someone else. Nothing was saved")
    assert page.by_id("description").attrs["value"] == "Shop (tab A)"
    assert page.find("input", name="version")[0].attrs["value"] == "2"
    db.session.expire_all()
    assert (gateway.description, gateway.version) == ("Shop (tab A)", 2)
    # made again from the current values, the save goes through
    again = client.post(f"/settings/gateways/{gateway.id}",
                        data={**FORM, "description": "Shop (tab B)", "version": "2"})
    assert again.status_code == 302
    db.session.expire_all()
    assert (gateway.description, gateway.version) == ("Shop (tab B)", 3)


def test_refresh_keeps_the_version_the_form_was_opened_with(client, gateway):
    seen = version_in(client, gateway)
    client.post(f"/settings/gateways/{gateway.id}", data={**FORM, "version": seen})
    refreshed = client.post(f"/settings/gateways/{gateway.id}",
                            data={**FORM, "action": "refresh", "version": seen})
    kept = Page(refreshed.get_data(as_text=True)).find("input", name="version")[0]
    assert kept.attrs["value"] == seen  # a save from this form is still the stale one
    assert client.post(f"/settings/gateways/{gateway.id}",
                       data={**FORM, "version": seen}).status_code == 409


def test_of_two_claims_on_one_version_exactly_one_wins(app, client, gateway):
    assert _claim_version(gateway, 1) is True
    db.session.commit()
    assert _claim_version(gateway, 1) is False
    db.session.rollback()
    assert db.session.get(Gateway, gateway.id).version == 2


def test_the_conflict_in_french(client, gateway):
    seen = version_in(client, gateway)
    client.post(f"/settings/gateways/{gateway.id}", data={**FORM, "version": seen})
    speak(client, "fr")
    answer = client.post(f"/settings/gateways/{gateway.id}", data={**FORM, "version": seen})
    assert answer.status_code == 409
    assert "Stripe.com a été modifiée entre-temps" in answer.get_data(as_text=True)
