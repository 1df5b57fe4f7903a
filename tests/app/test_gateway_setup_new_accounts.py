"""One-click clearing and fees accounts on the gateway set-up form, on QuickBooks and Xero:
created in the ledger (through the stand-ins), chosen for their currency with every other entry
kept, audited, refused clearly; and the bank-as-deposit warning only where a bank is chosen."""

import json

import pytest
from sqlalchemy import select

from addon.accounts import cached_accounts
from addon.extensions import db
from addon.models import Gateway, GatewayAudit, GatewayStatus
from sandbox import quickbooks_accounts_create, quickbooks_data
from tests.app.payment_flow import xero_company_with_stripe
from tests.app.test_gateway_setup import CHECKING, UNDEPOSITED, gateway, save

__all__ = ["gateway"]  # the QuickBooks gateway fixture
BANK_CHARGES = "8"


def audit(change):
    return db.session.scalars(select(GatewayAudit).where(GatewayAudit.change == change)).all()


def account_named(company, name):
    return next((a for a in cached_accounts(company) if a.name == name), None)


def selected(page, field, account_id):
    """The option `account_id` is the one chosen in the select `field`."""
    start = page.index(f'name="{field}"')
    block = page[start:page.index("</select>", start)]
    return f'<option value="{account_id}" selected>' in block


def test_a_clearing_account_in_one_click_keeps_everything_typed(gateway, client):
    answer = save(client, gateway, description="Typed, not saved", currency=["USD", "EUR"],
                  action="create-deposit-EUR", create_key="k1",
                  **{"fees-USD": BANK_CHARGES})

    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    created = account_named(gateway.company, "Stripe Clearing EUR")
    assert (created.account_type, created.currency) == ("Other Current Asset", "EUR")
    assert selected(page, "deposit-EUR", created.id)
    assert selected(page, "deposit-USD", UNDEPOSITED) and selected(page, "fees-USD", BANK_CHARGES)
    assert 'value="Typed, not saved"' in page
    assert 'value="create-deposit-EUR"' not in page and 'value="create-deposit-USD"' in page
    (line,) = audit("created_clearing_account:EUR")
    assert (line.new_value, line.user_id is not None) == (f"Stripe Clearing EUR ({created.id})",
                                                          True)
    db.session.expire_all()
    assert gateway.currencies == [] and gateway.status is GatewayStatus.NEEDS_SETUP  # not saved
    history = client.get(f"/settings/gateways/{gateway.id}").get_data(as_text=True)
    assert "Created a clearing account (EUR)" in history


def test_the_same_click_twice_makes_one_account(gateway, client):
    for _ in range(2):
        answer = save(client, gateway, action="create-deposit-USD", create_key="k2")
        assert answer.status_code == 200
    made = [a for a in cached_accounts(gateway.company) if a.name == "Stripe Clearing USD"]
    assert len(made) == 1 and len(audit("created_clearing_account:USD")) == 1
    assert selected(answer.get_data(as_text=True), "deposit-USD", made[0].id)


def test_a_fees_account_in_one_click_is_an_expense_for_every_currency(gateway, client):
    answer = save(client, gateway, currency=["USD", "EUR"], action="create-fees-EUR")

    page = answer.get_data(as_text=True)
    created = account_named(gateway.company, "Stripe Fees")
    assert (created.account_type, created.currency) == ("Expense", "USD")
    assert selected(page, "fees-EUR", created.id)
    assert 'value="create-fees-' not in page  # one fees account serves every currency
    assert [a.new_value for a in audit("created_fees_account:EUR")] == [
        f"Stripe Fees ({created.id})"]
    saved = save(client, gateway, currency=["USD"], **{"fees-USD": created.id})
    assert saved.status_code == 302


def _name_taken(realm):
    """Someone creates the account in QuickBooks itself; Remit's cache does not know yet."""
    quickbooks_accounts_create.create(realm, json.dumps({
        "Name": "Stripe Clearing EUR", "AccountType": "Other Current Asset",
        "CurrencyRef": {"value": "EUR"}}))


def _euro_turned_off(realm):
    for currency in quickbooks_data.COMPANIES[realm]["CompanyCurrency"]:
        if currency["Code"] == "EUR":
            currency["Active"] = False


@pytest.mark.parametrize("refusal", [_name_taken, _euro_turned_off])
def test_a_ledger_refusal_is_shown_and_nothing_is_lost(gateway, client, refusal):
    refusal(gateway.company.external_id)
    known = {a.id for a in cached_accounts(gateway.company)}

    answer = save(client, gateway, description="Typed, not saved", currency=["USD", "EUR"],
                  action="create-deposit-EUR", **{"fees-USD": BANK_CHARGES})

    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert 'id="deposit-EUR-error"' in page
    assert "QuickBooks did not create “Stripe Clearing EUR”" in page
    assert 'value="Typed, not saved"' in page and selected(page, "fees-USD", BANK_CHARGES)
    assert audit("created_clearing_account:EUR") == []
    assert {a.id for a in cached_accounts(gateway.company)} == known


def test_the_bank_warning_appears_only_when_a_bank_is_the_deposit_account(gateway, client):
    fresh = client.get(f"/settings/gateways/{gateway.id}").get_data(as_text=True)
    clearing = save(client, gateway, action="refresh").get_data(as_text=True)
    bank = save(client, gateway, action="refresh",
                **{"deposit-USD": CHECKING}).get_data(as_text=True)

    assert "recommended: payments wait there until Stripe pays them out" in fresh
    assert 'id="deposit-USD-bank-warning"' not in fresh + clearing
    assert 'id="deposit-USD-bank-warning"' in bank
    assert "Checking is a bank account. A clearing account is recommended" in bank


def xero_gateway(client):
    company = xero_company_with_stripe(client)
    return company, db.session.scalar(select(Gateway))


def test_xero_offers_a_clearing_account_in_the_base_currency_only(client):
    company, gateway = xero_gateway(client)
    page = client.get(f"/settings/gateways/{gateway.id}").get_data(as_text=True)
    assert 'value="create-deposit-GBP"' in page and 'value="create-deposit-EUR"' not in page
    assert 'id="deposit-EUR-clearing-note"' in page
    assert "a clearing account can be created for GBP only" in page
    assert 'value="create-fees-EUR"' in page

    refused = client.post(f"/settings/gateways/{gateway.id}", data={
        "description": "Stripe.com", "currency": ["GBP", "EUR"], "action": "create-deposit-EUR"})
    assert refused.status_code == 400 and 'id="deposit-EUR-error"' in refused.get_data(
        as_text=True)

    answer = client.post(f"/settings/gateways/{gateway.id}", data={
        "description": "Stripe.com", "currency": ["GBP", "EUR"], "action": "create-deposit-GBP"})
    assert answer.status_code == 200
    created = account_named(company, "Stripe Clearing GBP")
    assert (created.account_type, created.currency, created.payments_enabled) == (
        "CURRENT", "GBP", True)
    assert selected(answer.get_data(as_text=True), "deposit-GBP", created.id)
    assert len(audit("created_clearing_account:GBP")) == 1


def test_xero_warns_about_a_bank_deposit_only_where_a_clearing_account_could_be(client):
    company, gateway = xero_gateway(client)
    ids = {a.name: a.id for a in cached_accounts(company)}
    page = client.post(f"/settings/gateways/{gateway.id}", data={
        "description": "Stripe.com", "currency": ["GBP", "EUR"], "action": "refresh",
        "deposit-GBP": ids["Business Bank Account"], "deposit-EUR": ids["Euro Account"],
    }).get_data(as_text=True)
    assert 'id="deposit-GBP-bank-warning"' in page
    assert 'id="deposit-EUR-bank-warning"' not in page  # no clearing account can be in EUR


def test_the_one_click_accounts_in_french(gateway, client):
    client.post("/language", data={"language": "fr"})
    page = client.get(f"/settings/gateways/{gateway.id}").get_data(as_text=True)
    assert "Créer « Stripe Clearing EUR » dans QuickBooks" in page
    assert "Un compte d’attente, plutôt qu’un compte bancaire, est recommandé" in page
    bank = save(client, gateway, action="refresh", **{"deposit-USD": CHECKING})
    assert "Checking est un compte bancaire." in bank.get_data(as_text=True)
    created = save(client, gateway, action="create-fees-USD").get_data(as_text=True)
    assert "« Stripe Fees » est créé dans QuickBooks" in created
    history = client.get(f"/settings/gateways/{gateway.id}").get_data(as_text=True)
    assert "Compte de frais créé (USD)" in history
