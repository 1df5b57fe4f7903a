"""gateways/stripe/events.py: Connect events → money movements, pure. The payment events are
the sandbox's (fixture-shaped, tests/sandbox/test_stripe_checkout*.py), made without HTTP; the
edge cases are those events with one field changed."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

import sandbox
from gateways.base import MoneyMovement
from gateways.stripe import StripeGateway
from gateways.stripe.events import movements
from sandbox import stripe_checkout, stripe_payments
from sandbox.stripe import US_ACCOUNT
from sandbox.stripe_sessions import SessionRequest
from tests.gateways.stripe import shapes

METADATA = {"remit_company": "7", "remit_gateway": "3", "remit_invoices": "1001,1002",
            "remit_amounts": "100.00,20.50"}


@pytest.fixture(autouse=True)
def fresh_sandbox():
    sandbox.reset()
    yield
    sandbox.reset()


def paid_events(currency: str = "usd", amount: int = 12050,
                metadata: dict | None = None) -> dict[str, dict]:
    """The Connect events of one card payment through the sandbox's Checkout, by type."""
    metadata = METADATA if metadata is None else metadata
    asked = SessionRequest(currency=currency, amount_total=amount, description="Invoice 1001",
                           customer_email=None, success_url=None, cancel_url=None,
                           metadata=metadata, intent_metadata=metadata)
    session = stripe_payments.create_session(US_ACCOUNT, asked, lambda made: "https://x/" + made)
    paid = stripe_payments.pay(session["id"], "4242 4242 4242 4242")
    made = {event["type"]: event for event in stripe_checkout.payment_events(paid)}
    assert all(shapes.problems(event) == [] for event in made.values())
    return made


def changed(event: dict, **fields) -> dict:
    """The event with fields of its data.object replaced."""
    event = copy.deepcopy(event)
    event["data"]["object"].update(fields)
    return event


def test_every_event_of_one_payment_gives_the_same_movement():
    events = paid_events()
    charge = events["charge.succeeded"]["data"]["object"]
    intent_id = charge["payment_intent"]

    (from_charge,) = movements(events["charge.succeeded"])
    (from_intent,) = movements(events["payment_intent.succeeded"])
    (from_session,) = movements(events["checkout.session.completed"])

    assert from_charge == MoneyMovement(
        kind="payment", source_id=intent_id, charge_id=charge["id"], account_id=US_ACCOUNT,
        livemode=False, currency="USD", amount_minor=12050, metadata=METADATA,
        occurred_at=datetime.fromtimestamp(charge["created"], tz=UTC))
    assert from_intent.charge_id == charge["id"]  # latest_charge
    assert from_session.charge_id is None  # a session does not know its charge
    for other in (from_intent, from_session):
        assert (other.source_id, other.amount_minor, other.currency, other.metadata,
                other.account_id) == (intent_id, 12050, "USD", METADATA, US_ACCOUNT)
        assert other.occurred_at.tzinfo is UTC


def test_charge_updated_repeats_the_charges_movement():
    """It comes later (balance transaction, refunds); dated by the charge, not the event."""
    succeeded = paid_events()["charge.succeeded"]
    updated = {**copy.deepcopy(succeeded), "type": "charge.updated",
               "created": succeeded["created"] + 3600}

    assert movements(updated) == movements(succeeded)


def test_zero_decimal_amounts_stay_in_minor_units():
    (moved,) = movements(paid_events(currency="jpy", amount=5000)["payment_intent.succeeded"])
    assert (moved.currency, moved.amount_minor) == ("JPY", 5000)


def test_payments_without_remits_metadata_still_move_money():
    """A payment made in Stripe directly: the add-on decides what to do with it."""
    for event in paid_events(metadata={}).values():
        (moved,) = movements(event)
        assert moved.metadata == {}


def test_livemode_is_the_events():
    event = {**paid_events()["charge.succeeded"], "livemode": True}
    assert movements(event)[0].livemode is True


@pytest.mark.parametrize(("kind", "fields"), [
    ("checkout.session.completed", {"payment_status": "unpaid"}),  # async method, not yet
    ("checkout.session.completed", {"payment_status": "no_payment_required"}),
    ("payment_intent.succeeded", {"status": "processing"}),
    ("charge.succeeded", {"status": "pending"}),
    ("charge.succeeded", {"paid": False}),
    ("charge.succeeded", {"captured": False}),  # authorised only: nothing moved yet
    ("payment_intent.succeeded", {"amount_received": 0}),
])
def test_no_movement_until_money_moved(kind, fields):
    assert movements(changed(paid_events()[kind], **fields)) == []


def test_async_payment_success_completes_an_unpaid_session():
    completed = paid_events()["checkout.session.completed"]
    later = {**completed, "type": "checkout.session.async_payment_succeeded"}
    assert movements(later) == movements(completed)


def test_unrelated_and_platform_events_move_nothing():
    charge_event = paid_events()["charge.succeeded"]
    assert movements(sandbox.stripe.deauthorized_event(US_ACCOUNT)) == []
    assert movements({**charge_event, "type": "charge.refunded"}) == []  # no refunds listed
    assert movements({**charge_event, "type": "customer.created"}) == []
    platform_event = {key: value for key, value in charge_event.items() if key != "account"}
    assert movements(platform_event) == []
    assert movements({}) == []


def test_expanded_objects_give_their_ids():
    events = paid_events()
    intent = events["payment_intent.succeeded"]
    charge_id = intent["data"]["object"]["latest_charge"]
    expanded = changed(intent, latest_charge={"id": charge_id, "object": "charge"})
    assert movements(expanded)[0].charge_id == charge_id

    session = events["checkout.session.completed"]
    intent_id = session["data"]["object"]["payment_intent"]
    expanded = changed(session, payment_intent={"id": intent_id, "object": "payment_intent"})
    assert movements(expanded)[0].source_id == intent_id


def test_a_charge_without_payment_intent_is_keyed_by_itself():
    charge_event = changed(paid_events()["charge.succeeded"], payment_intent=None)
    (moved,) = movements(charge_event)
    assert moved.source_id == moved.charge_id == charge_event["data"]["object"]["id"]


@pytest.mark.parametrize(("kind", "fields"), [
    ("payment_intent.succeeded", {"amount_received": "12050"}),
    ("payment_intent.succeeded", {"amount_received": None}),
    ("charge.succeeded", {"currency": None}),
    ("charge.succeeded", {"created": None}),
    ("checkout.session.completed", {"payment_intent": None}),
    ("charge.succeeded", {"amount_captured": -1}),
])
def test_payment_events_missing_what_they_need_are_errors(kind, fields):
    with pytest.raises(ValueError):
        movements(changed(paid_events()[kind], **fields))


def test_the_gateway_reads_events_the_same_way():
    event = paid_events()["payment_intent.succeeded"]
    assert StripeGateway("ca_P", "sk_test_k").movements(event) == movements(event)
