"""Set up a Stripe gateway for a QuickBooks company: every server-side rule, the audit trail,
Refresh keeping the entries, and edits applying from now on."""

import pytest
import requests
import sqlalchemy as sa
from flask import current_app
from sqlalchemy import select

from addon.accounts import cached_accounts
from addon.extensions import db
from addon.models import Gateway, GatewayAudit, GatewayStatus
from tests.app.oauth_flow import connect
from tests.app.stripe_flow import connect_stripe

UNDEPOSITED, CHECKING, OLD_BANK, EUR_BANK, GBP_BANK = "4", "35", "38", "92", "93"
USD_AR, SALES = "84", "79"


@pytest.fixture
def gateway(client) -> Gateway:
    connect(client, "quickbooks")
    answer = connect_stripe(client)
    gateway = db.session.scalar(select(Gateway))
    assert answer.headers["Location"].endswith(f"/settings/gateways/{gateway.id}")
    return gateway


def save(client, gateway, **fields):
    form = {"description": "Stripe.com", "currency": ["USD"], "deposit-USD": UNDEPOSITED,
            "receivable-USD": USD_AR, "action": "save"}
    form.update(fields)
    return client.post(f"/settings/gateways/{gateway.id}", data=form)


def test_a_new_gateway_needs_setup_and_knows_its_stripe_account(gateway, client):
    assert gateway.status is GatewayStatus.NEEDS_SETUP
    assert gateway.account_id.startswith("acct_") and gateway.account_name
    assert {"USD", "EUR", "GBP"} <= set(gateway.account_currencies)
    # the account's own tokens are never used (platform key + Stripe-Account): none is kept
    raw = db.session.execute(sa.text("SELECT credentials, scope FROM gateway")).one()
    assert raw == (None, "read_write")
    page = client.get(f"/settings/gateways/{gateway.id}").get_data(as_text=True)
    assert 'value="Stripe.com"' in page  # a sensible default description
    for code in ("USD", "EUR", "GBP"):
        assert f'id="currency-{code}"' in page


def test_a_valid_setup_is_saved_active_with_its_audit_trail(gateway, client):
    answer = save(client, gateway)
    assert answer.status_code == 302
    db.session.expire_all()
    assert gateway.status is GatewayStatus.ACTIVE
    (usd,) = gateway.currencies
    assert (usd.currency, usd.deposit_account_id, usd.receivable_account_id) == (
        "USD", UNDEPOSITED, USD_AR)
    changes = {entry.change for entry in gateway.audit}
    assert {"connected", "description", "currency:USD", "deposit_account:USD",
            "receivable_account:USD"} <= changes
    listing = client.get("/settings/gateways").get_data(as_text=True)
    assert "Stripe.com" in listing and "Active" in listing


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"description": "  "}, "description", "Give the gateway a description"),
        ({"description": "x" * 256}, "description", "under 255 characters"),
        ({"currency": []}, "currencies", "Choose at least one currency"),
        ({"currency": ["CHF"]}, "currencies", "CHF cannot be collected here"),
        ({"deposit-USD": ""}, "deposit-USD", "Choose the deposit account for USD"),
        ({"deposit-USD": EUR_BANK}, "deposit-USD", "Business EUR Account cannot receive payments"),
        ({"deposit-USD": SALES}, "deposit-USD", "cannot receive payments in USD"),
        ({"deposit-USD": OLD_BANK}, "deposit-USD", "Old Operating Account is inactive"),
        ({"deposit-USD": "9999"}, "deposit-USD", "not in the chart of accounts"),
        ({"receivable-USD": UNDEPOSITED}, "receivable-USD", "is not an accounts-receivable"),
        ({"currency": ["USD", "EUR"], "deposit-EUR": EUR_BANK}, "receivable-EUR",
         "QuickBooks creates it with the first invoice in EUR"),
    ],
)
def test_every_rule_is_checked_on_the_server_and_nothing_is_saved(gateway, client, fields,
                                                                  field, message):
    answer = save(client, gateway, **fields)
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert message in page
    assert "Nothing was saved" in page
    db.session.expire_all()
    assert gateway.currencies == [] and gateway.description == ""
    assert gateway.status is GatewayStatus.NEEDS_SETUP


def test_a_bank_deposit_account_is_allowed_with_a_warning(gateway, client):
    save(client, gateway, **{"deposit-USD": CHECKING})
    page = client.get("/settings/gateways").get_data(as_text=True)
    assert "Checking is a bank account. A clearing account is recommended" in page
    db.session.expire_all()
    assert gateway.status is GatewayStatus.ACTIVE


def first_invoice_in(gateway, currency):
    """What saving the first invoice in a currency does in QuickBooks (sandbox control)."""
    answer = requests.post(f"{current_app.config['SANDBOX_URL']}/quickbooks/sandbox/invoices",
                           json={"realm": gateway.company.external_id, "currency": currency},
                           timeout=10)
    assert answer.status_code == 201, answer.text


def test_refresh_rereads_accounts_and_keeps_what_was_typed(gateway, client):
    first_invoice_in(gateway, "EUR")
    answer = save(client, gateway, description="Typed, not saved", action="refresh",
                  currency=["USD", "EUR"])
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert 'value="Typed, not saved"' in page
    assert "Accounts Receivable (A/R) - EUR" in page
    assert "Chart of accounts refreshed" in page
    db.session.expire_all()
    assert gateway.description == ""


def test_editing_adds_a_currency_and_records_old_and_new(gateway, client):
    save(client, gateway)
    first_invoice_in(gateway, "GBP")
    save(client, gateway, action="refresh")
    gbp_ar = next(a.id for a in cached_accounts(gateway.company)
                  if a.name == "Accounts Receivable (A/R) - GBP")
    answer = save(client, gateway, description="Stripe (shop)", currency=["USD", "GBP"],
                  **{"deposit-GBP": GBP_BANK, "receivable-GBP": gbp_ar})
    assert answer.status_code == 302
    assert client.get("/settings/gateways").status_code == 200
    db.session.expire_all()
    assert [row.currency for row in gateway.currencies] == ["GBP", "USD"]
    renamed = db.session.scalar(select(GatewayAudit).where(GatewayAudit.change == "description")
                                .order_by(GatewayAudit.id.desc()))
    assert (renamed.old_value, renamed.new_value) == ("Stripe.com", "Stripe (shop)")
    page = client.get(f"/settings/gateways/{gateway.id}").get_data(as_text=True)
    assert "Started collecting GBP" in page and "Business GBP Account (93)" in page
    save(client, gateway, description="Stripe (shop)", currency=["GBP"],
         **{"deposit-GBP": GBP_BANK, "receivable-GBP": gbp_ar})
    db.session.expire_all()
    assert [row.currency for row in gateway.currencies] == ["GBP"]
    assert "Stopped collecting USD" in client.get(
        f"/settings/gateways/{gateway.id}").get_data(as_text=True)
