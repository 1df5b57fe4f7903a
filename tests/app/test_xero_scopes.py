"""An organisation connected before Remit asked for Xero's manual journals, settings (write) and
trial balance scopes keeps its old grant: payments still post, fees wait with the reason and
no call Xero would refuse, the Activity and settings pages show one calm banner (English and
French), the grant is never marked dead, and reconnecting grants the scopes and posts the fee.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
import requests
from flask_babel import refresh

import sandbox.stripe
import sandbox.xero
import tests.app.payment_flow
from addon.accounts import cached_accounts
from addon.extensions import db
from addon.models import ConnectionStatus, WorkStatus
from connectors.xero.const import SCOPES
from tests.app.oauth_flow import connect
from tests.app.payment_flow import count_xero_calls, xero_company_with_stripe
from tests.app.postings_flow import deliver, one, paid, set_roles
from tests.app.test_connect_xero import UK, choose
from tests.browserless import press

# What Remit asked Xero for before payouts were recorded.
OLD_SCOPES = ("openid profile email offline_access accounting.settings.read accounting.invoices "
              "accounting.payments accounting.banktransactions accounting.contacts.read")
REASON = ("Reconnect Xero to let Remit record fees and disputes (Xero asks you to grant "
          "manual journals).")
BANNER = ("Reconnect Xero to let Remit record fees and disputes, create accounts, and read "
          "clearing account balances (Xero asks you to grant manual journals, settings, and "
          "the trial balance).")
FRENCH_BANNER = ("Reconnectez Xero pour que Remit puisse enregistrer les frais et les litiges, "
                 "créer des comptes et lire les soldes des comptes d’attente")


def connect_with_old_scopes(client, platform: str):
    """The consent as Remit asked for it before: the same authorize request, older scopes."""
    start = client.get(f"/connect/{platform}")
    parts = urlsplit(start.headers["Location"])
    query = {**dict(parse_qsl(parts.query)), "scope": OLD_SCOPES}
    answer = press(requests.Session(), urlunsplit(parts._replace(query=urlencode(query))),
                   "Allow access")
    location = urlsplit(answer.headers["Location"])
    return client.get(f"{location.path}?{location.query}")


@pytest.fixture
def old_grant(client, monkeypatch):
    """The UK organisation connected with the old scopes, its gateway set for GBP payouts."""
    monkeypatch.setattr(tests.app.payment_flow, "connect", connect_with_old_scopes)
    company = xero_company_with_stripe(client)
    monkeypatch.undo()
    names = {a.name: a.id for a in cached_accounts(company)}
    set_roles(client, company, "GBP", settlement=names["Business Bank Account"],
              fees=names["Bank Fees"])
    sandbox.stripe.set_balance_scenario("succeeded")
    assert company.connection.scopes == OLD_SCOPES
    return company


def page(client, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200
    return answer.get_data(as_text=True).replace("&#39;", "'")


def test_payments_post_fees_wait_with_the_reason_and_reconnecting_posts_them(
        client, old_grant, monkeypatch):
    company = old_grant
    calls = count_xero_calls(monkeypatch)
    _intent, events = paid(client, company, sandbox.xero.INVOICE_IDS["INV-0001"], "50.00")
    deliver(client, events)

    assert one(company, "payment").status is WorkStatus.DONE
    fee = one(company, "fee")
    assert fee.status is WorkStatus.PENDING and fee.error == REASON
    assert fee.payload["waiting"] == {"code": "scope", "scopes": ["accounting.manualjournals"]}
    assert fee.attempts == 0  # decided from the stored grant: no call Xero would refuse
    assert ("PUT", "ManualJournals") not in calls and ("POST", "ManualJournals") not in calls
    db.session.refresh(company)
    assert company.connection.status is ConnectionStatus.ACTIVE

    activity = page(client, "/activity")
    assert REASON in activity  # the fee's reason
    assert BANNER in activity and 'href="/reconnect/xero"' in activity
    settings = page(client, "/settings/gateways")
    assert BANNER in settings and 'href="/reconnect/xero"' in settings
    assert "Needs reconnecting" not in settings  # a missing scope is not a dead grant
    assert client.post("/language", data={"language": "fr"}).status_code == 302
    refresh()  # the tests' outer app context would keep the first request's language
    assert FRENCH_BANNER in page(client, "/activity")
    assert FRENCH_BANNER in page(client, "/settings/gateways")
    assert ("Reconnectez Xero pour que Remit puisse enregistrer les frais et les litiges (Xero "
            "vous demande d’autoriser les écritures manuelles).") in page(client, "/activity")
    client.post("/language", data={"language": "en"})
    refresh()

    connect(client, "xero")  # Reconnect asks for the full scopes again
    choose(client, UK)
    db.session.expire_all()
    assert set(company.connection.scopes.split()) == set(SCOPES.split())
    fee = one(company, "fee")
    assert fee.status is WorkStatus.DONE, fee.error
    assert fee.ledger_object_id and "waiting" not in fee.payload
    assert BANNER not in page(client, "/activity")
    assert "Reconnect Xero to let Remit" not in page(client, "/settings/gateways")


def test_a_refusal_xero_makes_anyway_waits_with_the_same_reason(client, old_grant):
    """The stored scopes say manual journals are granted, Xero's grant says not: the 403
    (insufficient_scope) is a missing scope, not a dead grant."""
    company = old_grant
    company.connection.scopes = SCOPES
    db.session.commit()
    _intent, events = paid(client, company, sandbox.xero.INVOICE_IDS["INV-0001"], "50.00")
    deliver(client, events)

    assert one(company, "payment").status is WorkStatus.DONE
    fee = one(company, "fee")
    assert fee.status is WorkStatus.PENDING and fee.error == REASON
    assert fee.payload["waiting"]["code"] == "scope"
    assert fee.attempts == 1  # Xero was asked once, said 403, and is not asked again
    db.session.refresh(company)
    assert company.connection.status is ConnectionStatus.ACTIVE
    assert "accounting.manualjournals" not in company.connection.scopes.split()
    activity = page(client, "/activity")
    assert REASON in activity and 'href="/reconnect/xero"' in activity  # the banner too


def test_one_click_account_creation_says_the_same_as_the_banner(client, old_grant):
    gateway = old_grant.gateways[0]
    answer = client.post(f"/settings/gateways/{gateway.id}", data={
        "description": "Stripe.com", "currency": ["GBP"], "action": "create-deposit-GBP"})
    text = answer.get_data(as_text=True).replace("&#39;", "'")
    assert ("Reconnect Xero to let Remit create accounts (Xero asks you to grant settings). "
            "Then try again.") in text
    assert not [a for a in cached_accounts(old_grant) if a.name == "Stripe Clearing GBP"]
    db.session.refresh(old_grant)
    assert old_grant.connection.status is ConnectionStatus.ACTIVE
