"""Two active gateways collecting one currency: saving the second warns, the settings page lets
the user choose which one pay links use (audited on both), and the pay page opens its Checkout
on that gateway; without a choice, the oldest."""

import pytest
from sqlalchemy import select

from addon.extensions import db
from addon.gateways.pay_links import gateway_for
from addon.models import CheckoutSession, Gateway, GatewayAudit
from tests.app.page_reading import Page, speak
from tests.app.payment_flow import checkout, company_with_stripe, link_path
from tests.app.stripe_flow import CREATE, connect_stripe

AMYS_INVOICE = "130"  # 1001: 250.00 USD
USD_FORM = {"action": "save", "currency": "USD", "deposit-USD": "4", "receivable-USD": "84"}


@pytest.fixture
def two_gateways(client):
    """The first gateway collects USD; a second Stripe account is connected, not yet saved."""
    company = company_with_stripe(client)
    connect_stripe(client, button=CREATE, landing="register",
                   choices={"business_name": "Second Shop"})
    first, second = db.session.scalars(select(Gateway).order_by(Gateway.id)).all()
    return company, first, second


def save_second(client, second, description="Stripe (shop)"):
    return client.post(f"/settings/gateways/{second.id}",
                       data={**USD_FORM, "description": description}, follow_redirects=True)


def test_the_form_says_who_already_collects_a_currency_and_is_not_preselected(
        client, two_gateways):
    _company, _first, second = two_gateways
    page = client.get(f"/settings/gateways/{second.id}").get_data(as_text=True)
    assert Page(page).by_id("currency-USD-shared").text == "Already collected by Stripe.com."
    assert Page(page).by_id("currency-USD").attrs["aria-describedby"] == (
        "currency-USD-home currency-USD-shared")
    assert Page(page).checked("currency") == []  # a second gateway for USD is never a default


def test_saving_a_shared_currency_warns_and_keeps_the_oldest_for_pay_links(client, two_gateways):
    company, first, second = two_gateways
    page = save_second(client, second).get_data(as_text=True)
    assert ("Stripe.com already collects USD. Pay links in USD use Stripe.com: choose which "
            "gateway they use") in page
    assert "Gateway used by pay links" in page
    assert Page(page).checked("gateway_id") == [str(first.id)]
    assert gateway_for(company.id, "USD").id == first.id
    # saving again with the currency kept does not warn twice
    page = save_second(client, second, "Stripe (shop) 2").get_data(as_text=True)
    assert "already collects USD" not in page


def test_choosing_the_second_gateway_moves_pay_links_audited_on_both(client, two_gateways):
    company, first, second = two_gateways
    save_second(client, second)
    answer = client.post("/settings/pay-links", data={
        "company_id": company.id, "currency": "USD", "gateway_id": second.id},
        follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert "Pay links in USD now use Stripe (shop)." in page
    assert gateway_for(company.id, "USD").id == second.id
    entries = db.session.scalars(select(GatewayAudit).where(
        GatewayAudit.change == "pay_links:USD").order_by(GatewayAudit.gateway_id)).all()
    assert [(e.gateway_id, e.old_value, e.new_value) for e in entries] == [
        (gw.id, f"Stripe.com ({first.account_id})", f"Stripe (shop) ({second.account_id})")
        for gw in (first, second)]
    history = client.get(f"/settings/gateways/{first.id}").get_data(as_text=True)
    assert "Gateway for pay links in USD" in history

    session_id = checkout(client, link_path(company, AMYS_INVOICE), "250.00")
    opened = db.session.scalar(select(CheckoutSession).where(
        CheckoutSession.session_id == session_id))
    assert opened.gateway_id == second.id

    client.post("/settings/pay-links", data={
        "company_id": company.id, "currency": "USD", "gateway_id": first.id})
    assert gateway_for(company.id, "USD").id == first.id


def test_without_a_choice_pay_links_use_the_oldest_active_gateway(client, two_gateways):
    company, first, second = two_gateways
    save_second(client, second)
    session_id = checkout(client, link_path(company, AMYS_INVOICE), "250.00")
    opened = db.session.scalar(select(CheckoutSession).where(
        CheckoutSession.session_id == session_id))
    assert opened.gateway_id == first.id


def test_a_gateway_that_does_not_collect_the_currency_cannot_be_chosen(client, two_gateways):
    company, _first, second = two_gateways  # second: not set up, collects nothing
    answer = client.post("/settings/pay-links", data={
        "company_id": company.id, "currency": "USD", "gateway_id": second.id})
    assert answer.status_code == 400
    assert db.session.scalar(select(GatewayAudit).where(
        GatewayAudit.change == "pay_links:USD")) is None


def test_the_choice_in_french(client, two_gateways):
    _company, _first, second = two_gateways
    speak(client, "fr")
    page = save_second(client, second).get_data(as_text=True)
    assert "Stripe.com encaisse déjà les paiements en USD." in page
    assert "Passerelle des liens de paiement" in page
    assert "Les liens de paiement en USD utilisent" in page
