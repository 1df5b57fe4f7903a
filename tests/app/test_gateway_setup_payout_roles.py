"""The payout roles of a gateway's set-up (settlement bank, fees, dispute losses), on QuickBooks
and Xero: optional until payouts are recorded, checked on the server against the platform's
rules, one fees account shared by default, and every change in the audit trail."""

import pytest
from flask_babel import refresh
from sqlalchemy import select

from addon.accounts import cached_accounts
from addon.extensions import db
from addon.models import Gateway, GatewayAudit, GatewayStatus
from tests.app.payment_flow import xero_company_with_stripe
from tests.app.test_gateway_setup import (
    CHECKING,
    EUR_BANK,
    OLD_BANK,
    SALES,
    UNDEPOSITED,
    first_invoice_in,
    gateway,
    save,
)

__all__ = ["gateway"]  # the QuickBooks gateway fixture
BANK_CHARGES, ADVERTISING, EXCHANGE = "8", "7", "94"


def audit(gateway, change):
    return db.session.scalars(select(GatewayAudit).where(GatewayAudit.change == change)
                              .order_by(GatewayAudit.id)).all()


def test_quickbooks_payout_roles_are_saved_and_the_fees_account_is_shared(gateway, client):
    first_invoice_in(gateway, "EUR")
    save(client, gateway, action="refresh")
    eur_ar = next(a.id for a in cached_accounts(gateway.company)
                  if a.name == "Accounts Receivable (A/R) - EUR")
    answer = save(client, gateway, currency=["USD", "EUR"],
                  **{"deposit-EUR": EUR_BANK, "receivable-EUR": eur_ar,
                     "settlement-USD": CHECKING, "settlement-EUR": EUR_BANK,
                     "fees-USD": BANK_CHARGES})
    assert answer.status_code == 302
    db.session.expire_all()
    rows = {row.currency: row for row in gateway.currencies}
    assert (rows["USD"].settlement_account_id, rows["EUR"].settlement_account_id) == (
        CHECKING, EUR_BANK)
    # EUR left empty: it takes the first currency's fees account (expense accounts are in the
    # home currency and take any currency)
    assert rows["USD"].fees_account_id == rows["EUR"].fees_account_id == BANK_CHARGES
    assert rows["USD"].dispute_losses_account_id is None  # empty: the fees account
    (line,) = audit(gateway, "settlement_account:EUR")
    assert (line.old_value, line.new_value) == (None, f"Business EUR Account ({EUR_BANK})")
    assert [(a.old_value, a.new_value) for a in audit(gateway, "fees_account:EUR")] == [
        (None, f"Bank Charges ({BANK_CHARGES})")]
    assert audit(gateway, "dispute_losses_account:USD") == []
    page = client.get(f"/settings/gateways/{gateway.id}").get_data(as_text=True)
    assert "Settlement bank account (EUR)" in page and "Fees account (USD)" in page
    # a bank account as settlement is what it is for: the only warning is about deposits
    assert "is a bank account" not in client.get("/settings/gateways").get_data(as_text=True)


def test_a_payout_role_edit_records_old_and_new_and_can_be_cleared(gateway, client):
    save(client, gateway, **{"fees-USD": BANK_CHARGES, "dispute_losses-USD": BANK_CHARGES})
    answer = save(client, gateway, **{"fees-USD": ADVERTISING, "dispute_losses-USD": ""})
    assert answer.status_code == 302
    db.session.expire_all()
    (usd,) = gateway.currencies
    assert (usd.fees_account_id, usd.dispute_losses_account_id) == (ADVERTISING, None)
    assert [(a.old_value, a.new_value) for a in audit(gateway, "fees_account:USD")] == [
        (None, f"Bank Charges ({BANK_CHARGES})"),
        (f"Bank Charges ({BANK_CHARGES})", f"Advertising ({ADVERTISING})")]
    assert [(a.old_value, a.new_value) for a in audit(gateway, "dispute_losses_account:USD")] == [
        (None, f"Bank Charges ({BANK_CHARGES})"), (f"Bank Charges ({BANK_CHARGES})", None)]
    assert all(a.user_id is not None and a.at for a in audit(gateway, "fees_account:USD"))


def test_without_payout_roles_the_gateway_is_active(gateway, client):
    assert save(client, gateway).status_code == 302
    db.session.expire_all()
    assert gateway.status is GatewayStatus.ACTIVE
    (usd,) = gateway.currencies
    assert (usd.settlement_account_id, usd.fees_account_id) == (None, None)
    page = client.get(f"/settings/gateways/{gateway.id}").get_data(as_text=True)
    assert "needed before payouts are recorded" in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"settlement-USD": EUR_BANK}, "settlement-USD", "is not a bank account in USD"),
        ({"settlement-USD": UNDEPOSITED}, "settlement-USD", "is not a bank account in USD"),
        ({"settlement-USD": OLD_BANK}, "settlement-USD", "Old Operating Account is inactive"),
        ({"settlement-USD": "9999"}, "settlement-USD", "not in the chart of accounts"),
        ({"fees-USD": CHECKING}, "fees-USD", "Checking is not an expense account"),
        ({"fees-USD": SALES}, "fees-USD", "is not an expense account"),
        ({"fees-USD": EXCHANGE}, "fees-USD", "is not an expense account"),
        ({"dispute_losses-USD": UNDEPOSITED}, "dispute_losses-USD",
         "Undeposited Funds is not an expense account"),
    ],
)
def test_quickbooks_refuses_an_account_of_the_wrong_role_or_currency(gateway, client, fields,
                                                                    field, message):
    answer = save(client, gateway, **{"fees-USD": BANK_CHARGES, **fields})
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    db.session.expire_all()
    assert gateway.currencies == [] and gateway.description == ""
    assert audit(gateway, "fees_account:USD") == []


def test_the_form_and_its_history_read_in_french(gateway, client):
    save(client, gateway, **{"settlement-USD": CHECKING})
    assert client.post("/language", data={"language": "fr"}).status_code == 302
    refresh()  # the tests' outer app context would keep the first request's language
    page = client.get(f"/settings/gateways/{gateway.id}").get_data(as_text=True)
    for french in ("Versements en USD", "Compte bancaire de versement", "Compte de frais",
                   "Le même que le compte de frais",
                   "Compte bancaire de versement (USD)"):  # the history line
        assert french in page
    answer = save(client, gateway, **{"fees-USD": CHECKING})
    assert "Checking n’est pas un compte de charges." in answer.get_data(as_text=True)


def xero_setup(client, **roles):
    """The UK organisation collecting GBP, EUR and JPY (zero-decimal), with `roles` by
    account name."""
    company = xero_company_with_stripe(client)
    gateway = db.session.scalar(select(Gateway))
    ids = {a.name: a.id for a in cached_accounts(company)}
    form = {"description": "Stripe.com", "action": "save", "currency": ["GBP", "EUR", "JPY"],
            "deposit-GBP": ids["Stripe Clearing"], "deposit-EUR": ids["Euro Account"],
            "deposit-JPY": ids["Yen Account"],
            **{field: ids.get(name, name) for field, name in roles.items()}}
    return gateway, ids, client.post(f"/settings/gateways/{gateway.id}", data=form)


def test_xero_payout_roles_per_currency_with_one_fees_account(client):
    gateway, ids, answer = xero_setup(client, **{
        "settlement-GBP": "Business Bank Account", "settlement-EUR": "Euro Account",
        "settlement-JPY": "Yen Account", "fees-GBP": "Bank Fees"})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    db.session.expire_all()
    rows = {row.currency: row for row in gateway.currencies}
    assert {c: r.settlement_account_id for c, r in rows.items()} == {
        "GBP": ids["Business Bank Account"], "EUR": ids["Euro Account"],
        "JPY": ids["Yen Account"]}
    assert {r.fees_account_id for r in rows.values()} == {ids["Bank Fees"]}
    (line,) = audit(gateway, "settlement_account:JPY")
    assert line.new_value == f"Yen Account ({ids['Yen Account']})"


@pytest.mark.parametrize(
    ("roles", "field", "message"),
    [
        ({"settlement-EUR": "Business Bank Account"}, "settlement-EUR",
         "is not a bank account in EUR"),
        ({"settlement-GBP": "Stripe Clearing"}, "settlement-GBP", "is not a bank account in GBP"),
        ({"settlement-GBP": "Old Savings Account"}, "settlement-GBP", "is inactive"),
        ({"fees-JPY": "Stripe Clearing"}, "fees-JPY", "Stripe Clearing is not an expense"),
        ({"dispute_losses-EUR": "Euro Account"}, "dispute_losses-EUR",
         "Euro Account is not an expense account"),
    ],
)
def test_xero_refuses_an_account_of_the_wrong_role_or_currency(client, roles, field, message):
    gateway, _ids, answer = xero_setup(client, **roles)
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    db.session.expire_all()
    assert {row.currency for row in gateway.currencies} == {"GBP"}  # as set up before
    assert audit(gateway, f"{field.replace('-', '_account:')}") == []
