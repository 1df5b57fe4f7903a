"""The customer's pay-now page: no second charge while a payment is on its way to the ledger
(QuickBooks here, Xero in test_pay_page_xero.py), amounts read in the page's language and
refused before Stripe when Stripe would refuse them, links that cannot be redirected, expire,
and cannot spend the company's ledger budget."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import requests
from flask import current_app
from flask_babel import refresh
from itsdangerous.timed import TimestampSigner
from sqlalchemy import select

import sandbox.stripe
from addon.extensions import db
from addon.models import CheckoutSession, Posting, WorkStatus
from addon.pay import guard
from addon.pay.links import make_token, pay_link
from sandbox import stripe_payments
from tests.app.payment_flow import checkout, company_with_stripe, link_path, pay_and_deliver

FIRST_INVOICE = "130"  # 1001: 250.00 USD, Amy's Bird Sanctuary


@pytest.fixture
def company(client):
    return company_with_stripe(client)


def deliver(client, deliveries) -> None:
    for delivery in deliveries:
        answer = client.post("/webhooks/stripe", data=delivery.payload, headers=delivery.headers)
        assert answer.status_code == 200, answer.get_data(as_text=True)


def pay_held(session_id: str) -> list:
    """The customer pays; Stripe's events are held (not delivered yet)."""
    sandbox.stripe.pay(session_id, sandbox.stripe.SUCCEEDING_CARD)
    return sandbox.stripe.last_events()


def stripe_session(session_id: str) -> dict:
    return next(s for s in stripe_payments.sessions() if s["id"] == session_id)


def rows() -> dict[str, str]:
    db.session.expire_all()
    return {row.session_id: row.status for row in db.session.scalars(select(CheckoutSession))}


# 1. The paying-twice window ------------------------------------------------------------------

def test_a_payment_not_yet_delivered_is_subtracted_and_cannot_be_paid_again(client, company):
    path = link_path(company, FIRST_INVOICE)
    first = checkout(client, path, "100.00")
    held = pay_held(first)  # paid at Stripe; Remit has heard nothing yet
    # Reopening the link seconds later: the old page is expired → Stripe says it was paid.
    answer = client.post(path, data={"amount": "250.00"})
    assert answer.status_code == 400
    assert "cannot be more than the 150.00 USD" in answer.get_data(as_text=True)
    assert rows() == {first: "complete"}
    assert "150.00 USD" in client.get(path).get_data(as_text=True)
    deliver(client, held)  # the payment is posted; the cached ledger read predates it
    (posting,) = db.session.scalars(select(Posting).where(Posting.kind == "payment")).all()
    assert posting.status is WorkStatus.DONE
    page = client.get(path).get_data(as_text=True)
    assert "150.00 USD" in page and "250.00 USD" not in page
    guard.forget_invoice(company.id, FIRST_INVOICE)  # the ledger itself now says 150.00
    assert "150.00 USD" in client.get(path).get_data(as_text=True)


def test_reopening_the_link_right_after_paying_shows_what_is_left(client, company):
    path = link_path(company, FIRST_INVOICE)
    held = pay_held(checkout(client, path, "100.00"))  # no webhook yet
    page = client.get(path).get_data(as_text=True)
    assert "150.00 USD" in page and "250.00 USD" not in page
    deliver(client, held)
    assert "150.00 USD" in client.get(path).get_data(as_text=True)


def test_paying_the_whole_invoice_says_it_is_being_recorded(client, company):
    path = link_path(company, FIRST_INVOICE)
    held = pay_held(checkout(client, path, "250.00"))
    answer = client.post(path, data={"amount": "250.00"})
    assert answer.status_code == 200
    assert "being recorded" in answer.get_data(as_text=True)
    assert "being recorded" in client.get(path).get_data(as_text=True)
    deliver(client, held)
    assert "being recorded" in client.get(path).get_data(as_text=True)
    guard.forget_invoice(company.id, FIRST_INVOICE)
    assert "already paid" in client.get(path).get_data(as_text=True)


def test_a_payment_the_ledger_refused_is_still_subtracted(client, company):
    """The deposit account went inactive: the posting failed and waits for the bookkeeper;
    the money was taken all the same."""
    gateway = company.gateways[0]
    gateway.currencies[0].deposit_account_id = "38"  # Old Operating Account, inactive
    db.session.commit()
    path = link_path(company, FIRST_INVOICE)
    pay_and_deliver(client, checkout(client, path, "60.00"))
    (posting,) = db.session.scalars(select(Posting).where(Posting.kind == "payment")).all()
    assert posting.status is WorkStatus.FAILED
    guard.forget_invoice(company.id, FIRST_INVOICE)
    assert "190.00 USD" in client.get(path).get_data(as_text=True)
    client.post(f"/activity/postings/{posting.id}/ignore")  # the bookkeeper recorded it by hand
    assert "250.00 USD" in client.get(path).get_data(as_text=True)


def test_opening_a_new_page_expires_the_older_one(client, company):
    path = link_path(company, FIRST_INVOICE)
    old = checkout(client, path, "100.00")
    new = checkout(client, path, "40.00")
    assert stripe_session(old)["status"] == "expired"
    assert stripe_session(new)["status"] == "open"
    assert rows() == {old: "expired", new: "open"}
    with pytest.raises(stripe_payments.NotPayable):  # the old tab can no longer be paid
        sandbox.stripe.pay(old, sandbox.stripe.SUCCEEDING_CARD)


def test_a_completed_page_expires_the_invoices_other_open_pages(client, company):
    """Two pages open at once (two web processes raced): the webhook of the paid one closes
    the other."""
    path = link_path(company, FIRST_INVOICE)
    paid = checkout(client, path, "100.00")
    other = db.session.scalars(select(CheckoutSession)).one()
    twin = CheckoutSession(company_id=other.company_id, gateway_id=other.gateway_id,
                           invoice_id=FIRST_INVOICE, session_id=_open_twin(company),
                           amount_minor=5000, currency="USD", status="open",
                           expires_at=other.expires_at)
    db.session.add(twin)
    db.session.commit()
    pay_and_deliver(client, paid)
    assert rows() == {paid: "complete", twin.session_id: "expired"}
    assert stripe_session(twin.session_id)["status"] == "expired"


def test_a_late_webhook_leaves_the_page_opened_for_what_is_left(client, company):
    path = link_path(company, FIRST_INVOICE)
    paid = checkout(client, path, "100.00")
    held = pay_held(paid)
    rest = checkout(client, path, "150.00")  # Remit learnt from Stripe that `paid` was paid
    opened = db.session.scalars(select(CheckoutSession).filter_by(session_id=rest)).one()
    opened.created_at += timedelta(seconds=5)  # a customer reopens the link seconds later
    db.session.commit()
    deliver(client, held)
    assert rows() == {paid: "complete", rest: "open"}
    assert stripe_session(rest)["status"] == "open"


def _open_twin(company) -> str:
    """A second open Checkout page for the invoice, opened at the gateway directly."""
    from addon.gateways.registry import kind
    from gateways.base import CheckoutRequest

    gateway = company.gateways[0]
    return kind("stripe").build().create_checkout(CheckoutRequest(
        account_id=gateway.account_id, currency="USD", amount_minor=5000, description="Twin",
        customer_email=None, metadata={}, success_url="https://remit.example/t",
        cancel_url="https://remit.example/c", idempotency_key="remit-twin")).id


def test_sessions_last_thirty_minutes(client, company):
    session_id = checkout(client, link_path(company, FIRST_INVOICE), "10.00")
    opened = stripe_session(session_id)
    assert 30 * 60 <= opened["expires_at"] - opened["created"] <= 32 * 60
    row = db.session.scalars(select(CheckoutSession)).one()
    assert int(row.expires_at.timestamp()) == opened["expires_at"]


# 2. Amounts Stripe would refuse --------------------------------------------------------------

@pytest.mark.parametrize(("typed", "reason"), [
    ("Infinity", "Enter an amount in USD"),
    ("NaN", "Enter an amount in USD"),
    ("-Infinity", "Enter an amount in USD"),
    ("0.10", "smallest amount that can be paid online in USD is 0.50"),
    ("12.345", "Enter an amount in USD"),
])
def test_refused_amounts_get_a_reason_and_no_stripe_call(client, company, typed, reason):
    path = link_path(company, FIRST_INVOICE)
    answer = client.post(path, data={"amount": typed})
    assert answer.status_code == 400
    assert reason in answer.get_data(as_text=True)
    assert stripe_payments.sessions() == []
    assert rows() == {}


def _big_invoice(company) -> str:
    created = requests.post(f"{current_app.config['SANDBOX_URL']}/quickbooks/sandbox/invoices",
                            json={"realm": company.external_id, "currency": "USD",
                                  "amount": "2000.00"}, timeout=10)
    return created.json()["Invoice"]["Id"]


@pytest.mark.parametrize(("language", "typed", "shown"), [
    ("en", "1,234.56", "2,000.00"),
    ("fr", "1 234,56", "2\u202f000,00"),
    ("fr", "1\u202f234,56", "2\u202f000,00"),
    ("fr", "1\u00a0234,56", "2\u202f000,00"),
])
def test_amounts_are_read_and_shown_in_the_pages_language(app, company, language, typed,
                                                           shown):
    """The customer's own browser (no session of the company's user) picks the language."""
    client = app.test_client()
    path = link_path(company, _big_invoice(company))
    headers = {"Accept-Language": language}
    refresh()  # the tests' outer app context would keep the first request's language
    assert shown in client.get(path, headers=headers).get_data(as_text=True)
    refresh()
    session_id = checkout_with(client, path, typed, headers)
    assert stripe_session(session_id)["amount_total"] == 123456


def test_a_french_amount_is_not_misread_in_english(app, company):
    client = app.test_client()
    path = link_path(company, _big_invoice(company))
    refresh()
    answer = client.post(path, data={"amount": "1 234,56"}, headers={"Accept-Language": "en"})
    assert answer.status_code == 400 and stripe_payments.sessions() == []


def checkout_with(client, path, amount, headers) -> str:
    answer = client.post(path, data={"amount": amount}, headers=headers)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return urlsplit(answer.headers["Location"]).path.rsplit("/", 1)[-1]


# 3. Pay links --------------------------------------------------------------------------------

def test_a_forged_host_changes_no_url(client, company, app):
    base = app.config["BASE_URL"].rstrip("/")
    forged = {"Host": "evil.example"}
    with app.test_request_context("/", headers=forged):
        assert pay_link(company.id, FIRST_INVOICE).startswith(base + "/pay/")
    page = client.get("/activity", headers=forged).get_data(as_text=True)
    assert "evil.example" not in page
    path = link_path(company, FIRST_INVOICE)
    answer = client.post(path, data={"amount": "10.00"}, headers=forged)
    session = stripe_session(urlsplit(answer.headers["Location"]).path.rsplit("/", 1)[-1])
    assert session["success_url"] == f"{base}{path}/thanks"
    assert session["cancel_url"] == f"{base}{path}"


def test_an_expired_link_says_so(client, company, app, monkeypatch):
    fresh = client.get(link_path(company, FIRST_INVOICE))
    assert fresh.status_code == 200
    old = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp",
                        lambda self: old(self) - 181 * 24 * 3600)
    token = make_token(company.id, FIRST_INVOICE)
    monkeypatch.undo()
    answer = client.get(f"/pay/{token}")
    assert answer.status_code == 410
    assert "expired" in answer.get_data(as_text=True)
    app.config["PAY_LINK_DAYS"] = 365
    try:
        assert client.get(f"/pay/{token}").status_code == 200
    finally:
        app.config["PAY_LINK_DAYS"] = 180


def test_a_link_holder_gets_a_calm_429_after_thirty_requests(client, company):
    path = link_path(company, FIRST_INVOICE)
    for _ in range(guard.REQUESTS_PER_WINDOW):
        assert client.get(path).status_code == 200
    answer = client.get(path)
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) > 0
    assert "try again in a few minutes" in answer.get_data(as_text=True)
    other = link_path(company, _big_invoice(company))  # another link is not affected
    assert client.get(other).status_code == 200


def test_reloading_the_page_reads_the_ledger_once(client, company, monkeypatch):
    from connectors.quickbooks.transport import CallPolicyMixin

    path = link_path(company, FIRST_INVOICE)
    reads = []
    original = CallPolicyMixin.request

    def counted(self, method, url, *args, **kwargs):
        if "/invoice/" in url.lower():
            reads.append(url)
        return original(self, method, url, *args, **kwargs)

    monkeypatch.setattr(CallPolicyMixin, "request", counted)
    for _ in range(3):
        assert client.get(path).status_code == 200
    assert len(reads) == 1
