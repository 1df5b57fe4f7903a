"""The Stripe stand-in as strict as Stripe on what closes a Checkout page and what it charges:
POST /v1/checkout/sessions/{id}/expire (open sessions only; an expired page cannot be paid;
idempotent), `expires_at` 30 minutes to 24 hours ahead and honoured, and the per-currency
amount refusals (amount_too_small, amount_too_large, invalid_charge_amount)."""

from __future__ import annotations

import pytest

import sandbox.stripe as stripe_sandbox
from sandbox import stripe_payments
from tests.sandbox.test_stripe_checkout_sandbox import FORM, SESSIONS, US, create, headers, shaped

UNIT = "line_items[0][price_data][unit_amount]"
CURRENCY = "line_items[0][price_data][currency]"


@pytest.fixture(autouse=True)
def us_account_connected(fresh_sandbox):
    stripe_sandbox.connect(US)


def expire(client, session_id: str, account: str | None = US, key: str | None = None):
    return client.post(f"{SESSIONS}/{session_id}/expire", headers=headers(account, key))


def test_only_an_open_session_can_be_expired_and_then_cannot_be_paid(client):
    session_id = create(client, key=None).json["id"]

    closed = expire(client, session_id)
    assert closed.status_code == 200
    assert (shaped(closed)["status"], closed.json["url"]) == ("expired", None)
    again = expire(client, session_id)
    assert again.status_code == 400 and again.json["error"]["type"] == "invalid_request_error"
    with pytest.raises(stripe_payments.NotPayable):
        stripe_sandbox.pay(session_id, stripe_sandbox.SUCCEEDING_CARD)


def test_a_paid_session_cannot_be_expired(client):
    session_id = create(client, key=None).json["id"]
    stripe_sandbox.pay(session_id, stripe_sandbox.SUCCEEDING_CARD)

    answer = expire(client, session_id)
    assert answer.status_code == 400
    assert client.get(f"{SESSIONS}/{session_id}", headers=headers(key=None)).json[
        "status"] == "complete"


def test_expire_is_refused_for_another_account_or_an_unknown_session(client):
    session_id = create(client, key=None).json["id"]
    stripe_sandbox.connect(stripe_sandbox.FR_ACCOUNT)
    assert expire(client, session_id, account=stripe_sandbox.FR_ACCOUNT).status_code == 404
    assert expire(client, "cs_test_nothing").json["error"]["code"] == "resource_missing"


def test_a_keyed_expire_is_replayed(client):
    session_id = create(client, key=None).json["id"]
    first = expire(client, session_id, key="remit-expire-1")
    again = expire(client, session_id, key="remit-expire-1")
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json == first.json


@pytest.mark.parametrize(("ahead", "accepted"), [
    (29 * 60, False), (30 * 60, True), (31 * 60, True), (24 * 3600, True),
    (24 * 3600 + 1, False)])
def test_expires_at_must_lie_between_thirty_minutes_and_a_day(client, ahead, accepted):
    now = int(stripe_payments.clock())
    answer = create(client, {**FORM, "expires_at": str(now + ahead)}, key=None)
    if accepted:
        assert answer.status_code == 200 and answer.json["expires_at"] == now + ahead
    else:
        assert answer.status_code == 400 and answer.json["error"]["param"] == "expires_at"


def test_a_session_past_its_expires_at_cannot_be_paid(client, monkeypatch):
    now = int(stripe_payments.clock())
    session_id = create(client, {**FORM, "expires_at": str(now + 1800)}, key=None).json["id"]
    monkeypatch.setattr(stripe_payments, "clock", lambda: now + 1800)
    with pytest.raises(stripe_payments.NotPayable):
        stripe_sandbox.pay(session_id, stripe_sandbox.SUCCEEDING_CARD)
    assert expire(client, session_id).status_code == 400  # already expired


@pytest.mark.parametrize(("currency", "amount", "code"), [
    ("usd", "10", "amount_too_small"), ("usd", "49", "amount_too_small"),
    ("jpy", "49", "amount_too_small"), ("kwd", "1", "invalid_charge_amount"),
    ("kwd", "1505", "invalid_charge_amount"), ("usd", "100000000", "amount_too_large"),
])
def test_amounts_stripe_refuses_are_refused_with_its_codes(client, currency, amount, code):
    answer = create(client, {**FORM, CURRENCY: currency, UNIT: amount}, key=None)
    assert answer.status_code == 400
    assert (answer.json["error"]["type"], answer.json["error"]["code"]) == (
        "invalid_request_error", code)
    assert stripe_payments.sessions() == []


@pytest.mark.parametrize(("currency", "amount"), [
    ("usd", "50"), ("jpy", "50"), ("kwd", "1500"), ("usd", "99999999")])
def test_amounts_at_the_limits_are_accepted(client, currency, amount):
    assert create(client, {**FORM, CURRENCY: currency, UNIT: amount}, key=None).status_code == 200
