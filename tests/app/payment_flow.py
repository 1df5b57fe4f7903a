"""Pay a ledger invoice through Remit's pay-now page and the sandbox's Stripe Checkout."""

from __future__ import annotations

from urllib.parse import urlsplit

import sandbox.stripe
from addon.accounts import cached_accounts
from addon.extensions import db
from addon.models import Company, Gateway, WorkStatus
from addon.pay.views import pay_link
from addon.posting import runner
from tests.app.oauth_flow import connect
from tests.app.stripe_flow import connect_stripe


def company_with_stripe(client) -> Company:
    """The sandbox's US QuickBooks company with an active Stripe gateway for USD
    (Undeposited Funds, Accounts Receivable)."""
    connect(client, "quickbooks")
    connect_stripe(client)
    gateway = db.session.query(Gateway).one()
    form = {"description": "Stripe.com", "action": "save", "currency": "USD",
            "deposit-USD": "4", "receivable-USD": "84"}
    answer = client.post(f"/settings/gateways/{gateway.id}", data=form)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return gateway.company


def xero_company_with_stripe(client, deposits: dict[str, str] | None = None) -> Company:
    """The sandbox's UK Xero organisation (GBP base) with an active Stripe gateway; `deposits`
    maps each currency collected to its deposit account's name (default: GBP into the
    payments-enabled Stripe Clearing account). The (US) Stripe account also settles in each
    of those currencies, so no payment is converted (the FX tests convert on purpose)."""
    from tests.app.test_connect_xero import UK, choose

    deposits = deposits or {"GBP": "Stripe Clearing"}
    connect(client, "xero")
    choose(client, UK)
    connect_stripe(client)
    gateway = db.session.query(Gateway).one()
    sandbox.stripe.settle_in(gateway.account_id, *deposits)
    accounts = {a.name: a.id for a in cached_accounts(gateway.company)}
    form = {"description": "Stripe.com", "action": "save", "currency": list(deposits),
            **{f"deposit-{code}": accounts[name] for code, name in deposits.items()}}
    answer = client.post(f"/settings/gateways/{gateway.id}", data=form)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return gateway.company


def link_path(company: Company, invoice_id: str) -> str:
    return urlsplit(pay_link(company.id, invoice_id)).path


def checkout(client, path: str, amount: str) -> str:
    """Press Pay on the pay-now page; the Checkout Session id Remit created."""
    answer = client.post(path, data={"amount": amount})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return urlsplit(answer.headers["Location"]).path.rsplit("/", 1)[-1]


def pay_and_deliver(client, session_id: str) -> list:
    """The customer pays with the test card; Stripe's signed events reach Remit's webhook."""
    sandbox.stripe.pay(session_id, sandbox.stripe.SUCCEEDING_CARD)
    deliveries = sandbox.stripe.last_events()
    for delivery in deliveries:
        answer = client.post("/webhooks/stripe", data=delivery.payload, headers=delivery.headers)
        assert answer.status_code == 200, answer.get_data(as_text=True)
    return deliveries


def deliver_again(client, deliveries) -> None:
    for delivery in deliveries:
        assert client.post("/webhooks/stripe", data=delivery.payload,
                           headers=delivery.headers).status_code == 200


def count_xero_calls(monkeypatch) -> list[tuple[str, str]]:
    """Every Xero API request from now on as (method, resource), counted where xero-python
    sends it (urllib3), so a test can state what a payment costs the organisation's budget."""
    from urllib3 import PoolManager

    calls: list[tuple[str, str]] = []
    original = PoolManager.request

    def counted(self, method, url, *args, **kwargs):
        if "/api.xro/2.0/" in url:
            calls.append((method, url.split("/api.xro/2.0/")[1].split("?")[0].split("/")[0]))
        return original(self, method, url, *args, **kwargs)

    monkeypatch.setattr(PoolManager, "request", counted)
    return calls


def crash_after_the_write_once(monkeypatch) -> list:
    """The worker dies after the ledger answered and before Remit committed (once): the queue
    runs the posting again, under the same key. Returns the ids of the postings it crashed."""
    finish, crashed = runner._finish, []

    def crash_once(posting, status, error):
        if status is WorkStatus.DONE and not crashed:
            crashed.append(posting.id)
            db.session.rollback()
            raise RuntimeError("worker killed after the ledger answered")
        return finish(posting, status, error)

    monkeypatch.setattr(runner, "_finish", crash_once)
    return crashed


def after_the_wait(monkeypatch, seconds: float = 61) -> None:
    """As `seconds` passing for the shared call budget: a pause the ledger asked for (its
    Retry-After) and the minute's count are over."""
    import time

    from addon.posting import budget

    monkeypatch.setattr(budget, "now", lambda: time.time() + seconds)
