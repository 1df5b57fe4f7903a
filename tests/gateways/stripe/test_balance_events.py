"""gateways/stripe/balance_events.py through events.movements, pure: a charge's fee entry, refunds,
disputes and payouts. Charges and payouts are the stand-in's own events (made without HTTP);
refunds and disputes start from Stripe's sample objects (fixtures3.json) in the Connect event
envelope, with the fields a step of their life changes."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

import sandbox
import sandbox.stripe as stripe_sandbox
from gateways.base import (
    ENTRY_DISPUTE,
    ChargeSettled,
    DisputeMovement,
    EventKind,
    MoneyMovement,
    PayoutMovement,
    RefundMovement,
)
from gateways.stripe.events import movements, received
from sandbox import stripe_balance, stripe_events
from sandbox.stripe import US_ACCOUNT
from tests.gateways.stripe import shapes
from tests.gateways.stripe.test_events import METADATA, paid_events


@pytest.fixture(autouse=True)
def fresh_sandbox():
    sandbox.reset()
    yield
    sandbox.reset()


def stripe_sample(resource: str, **fields) -> dict:
    return {**copy.deepcopy(shapes.full_resources()[resource]), **fields}


def connect_event(event_type: str, obj: dict, stripe_shaped: bool = True) -> dict:
    """The Connect event Stripe sends about `obj`; checked Stripe-shaped unless the test
    expands an object (webhooks never do; API reads may) or breaks it on purpose."""
    made = stripe_events.event(event_type, US_ACCOUNT, obj)
    assert not stripe_shaped or shapes.problems(made) == []
    return made


# ---- a charge's balance transaction ---------------------------------------------------------

def test_async_capture_names_the_entry_on_charge_updated():
    stripe_sandbox.set_balance_scenario("updated")
    events = paid_events()
    succeeded, updated = events["charge.succeeded"], events["charge.updated"]
    charge = updated["data"]["object"]

    assert [type(found) for found in movements(succeeded)] == [MoneyMovement]
    paid, settled = movements(updated)
    assert paid == movements(succeeded)[0]
    assert settled == ChargeSettled(
        payment_id=charge["payment_intent"], charge_id=charge["id"], account_id=US_ACCOUNT,
        livemode=False, entry_id=charge["balance_transaction"], metadata=METADATA,
        occurred_at=paid.occurred_at, entry=None)  # webhooks name it: fetch it by id


def test_synchronous_capture_names_it_on_charge_succeeded():
    stripe_sandbox.set_balance_scenario("succeeded")
    charge_event = paid_events()["charge.succeeded"]

    (_, settled) = movements(charge_event)

    assert settled.entry_id == charge_event["data"]["object"]["balance_transaction"]


def test_an_expanded_balance_transaction_is_read_with_its_payment():
    """Yen paid to a USD account: settled in dollars at the stand-in's rate, exactly."""
    stripe_sandbox.set_balance_scenario("updated")
    updated = paid_events(currency="jpy", amount=5000)["charge.updated"]
    charge = updated["data"]["object"]
    charge["balance_transaction"] = stripe_balance.transaction(
        US_ACCOUNT, charge["balance_transaction"])

    (_, settled) = movements(updated)

    entry = settled.entry
    assert (entry.id, entry.currency, entry.amount_minor) == (settled.entry_id, "USD", 3350)
    assert entry.exchange_rate == Decimal("0.0067")  # yen x rate = dollars (major units)
    assert entry.fee_minor == stripe_balance.fee(3350, "usd") > 0
    assert entry.net_minor == 3350 - entry.fee_minor
    assert (entry.source_id, entry.payment_id) == (charge["id"], charge["payment_intent"])


def test_no_entry_no_settlement():
    """The stand-in's default: the charge never names its balance transaction."""
    for event in paid_events().values():
        assert not [found for found in movements(event) if isinstance(found, ChargeSettled)]


# ---- refunds --------------------------------------------------------------------------------

def test_stripes_sample_refund_is_a_refund_movement():
    refund = stripe_sample("refund", payment_intent="pi_1Paid", balance_transaction="txn_1Back")

    (moved,) = movements(connect_event("refund.created", refund))

    assert moved == RefundMovement(
        refund_id=refund["id"], payment_id="pi_1Paid", charge_id=refund["charge"],
        account_id=US_ACCOUNT, livemode=False, currency="USD", amount_minor=100,
        status="succeeded", entry_id="txn_1Back", metadata={},  # a dashboard refund: none
        occurred_at=datetime.fromtimestamp(refund["created"], tz=UTC))


@pytest.mark.parametrize("event_type", ["refund.created", "refund.updated", "refund.failed",
                                        "charge.refund.updated"])
def test_every_refund_event_reads_its_refund(event_type):
    refund = stripe_sample("refund", status="pending", payment_intent="pi_1Paid")
    (moved,) = movements(connect_event(event_type, refund))
    assert (moved.refund_id, moved.status, moved.entry_id) == (refund["id"], "pending", None)
    assert received(connect_event(event_type, refund)).kind is EventKind.PAYMENT


def test_a_refunds_expanded_charge_gives_payment_and_metadata():
    charge = stripe_sample("charge", payment_intent="pi_1Paid", metadata=METADATA)
    refund = stripe_sample("refund", charge=charge, currency="jpy", amount=5000)

    (moved,) = movements(connect_event("refund.updated", refund, stripe_shaped=False))

    assert (moved.payment_id, moved.charge_id, moved.metadata) == (
        "pi_1Paid", charge["id"], METADATA)
    assert (moved.currency, moved.amount_minor) == ("JPY", 5000)


def test_charge_refunded_lists_each_refund_with_the_charges_metadata():
    first = stripe_sample("refund", id="re_1First", amount=2000, payment_intent=None)
    second = stripe_sample("refund", id="re_1Second", amount=550, payment_intent=None,
                           charge=None)
    charge = stripe_sample("charge", payment_intent="pi_1Paid", metadata=METADATA,
                           amount=12050, amount_refunded=2550, refunded=False,
                           refunds={"object": "list", "data": [first, second],
                                    "has_more": False, "url": "/v1/charges/ch_1/refunds"})

    found = movements(connect_event("charge.refunded", charge))

    assert [(m.refund_id, m.amount_minor) for m in found] == [("re_1First", 2000),
                                                              ("re_1Second", 550)]
    for moved in found:
        assert (moved.payment_id, moved.charge_id, moved.metadata) == (
            "pi_1Paid", charge["id"], METADATA)


def test_charge_refunded_without_its_list_leaves_it_to_the_refund_events():
    """Since API 2022-11-15 a charge lists its refunds only when expanded."""
    charge = stripe_sample("charge", payment_intent="pi_1Paid", refunded=True)
    del charge["refunds"]
    assert movements(connect_event("charge.refunded", charge)) == []


@pytest.mark.parametrize("fields", [{"amount": 0}, {"amount": "100"}, {"currency": None},
                                    {"status": None}, {"id": None}])
def test_a_refund_missing_what_it_needs_is_an_error(fields):
    with pytest.raises(ValueError):
        movements(connect_event("refund.created", stripe_sample("refund", **fields), False))


def stand_in_events() -> list[dict]:
    """What the stand-in sent last (its latest action), each checked Stripe-shaped."""
    made = [delivery.event for delivery in stripe_sandbox.last_events()]
    assert all(shapes.problems(event) == [] for event in made)
    return made


def test_a_dashboard_refund_through_the_stand_in():
    """A partial refund started in Stripe (no Remit call): each refund event reads the same
    refund of the payment, with its own balance entry; charge.refunded lists none (the API
    version sends the list only expanded), so it moves nothing more."""
    payment = paid_events()["payment_intent.succeeded"]["data"]["object"]
    stripe_sandbox.refund(payment["id"], 2000)
    by_type = {event["type"]: movements(event) for event in stand_in_events()}

    assert set(by_type) == {"refund.created", "charge.refunded", "refund.updated"}
    assert by_type["charge.refunded"] == []
    (created,), (updated,) = by_type["refund.created"], by_type["refund.updated"]
    assert created == updated
    assert (created.payment_id, created.charge_id, created.currency, created.amount_minor,
            created.status) == (payment["id"], payment["latest_charge"], "USD", 2000,
                                "succeeded")
    assert created.entry_id.startswith("txn_")


def test_a_dispute_through_the_stand_in_won():
    payment = paid_events()["payment_intent.succeeded"]["data"]["object"]
    opened = stripe_sandbox.open_dispute(payment["id"])
    steps = {event["type"]: movements(event)[0] for event in stand_in_events()}
    stripe_sandbox.close_dispute(opened["id"], won=True)
    steps |= {event["type"]: movements(event)[0] for event in stand_in_events()}

    assert list(steps) == ["charge.dispute.created", "charge.dispute.funds_withdrawn",
                           "charge.dispute.funds_reinstated", "charge.dispute.closed"]
    assert all(step.payment_id == payment["id"] for step in steps.values())
    assert steps["charge.dispute.created"].entries == ()
    (withdrawn_entry,) = steps["charge.dispute.funds_withdrawn"].entries
    assert (withdrawn_entry.category, withdrawn_entry.amount_minor, withdrawn_entry.net_minor) \
        == (ENTRY_DISPUTE, -12050, -12050 - withdrawn_entry.fee_minor)
    assert withdrawn_entry.fee_minor > 0 and withdrawn_entry.payment_id == payment["id"]
    closed = steps["charge.dispute.closed"]
    assert (closed.closed, closed.won, len(closed.entries)) == (True, True, 2)
    assert sum(entry.net_minor for entry in closed.entries) == 0  # the fee came back too


def test_a_dispute_through_the_stand_in_lost():
    payment = paid_events()["payment_intent.succeeded"]["data"]["object"]
    opened = stripe_sandbox.open_dispute(payment["id"])
    stripe_sandbox.close_dispute(opened["id"], won=False)
    (closed,) = movements(stand_in_events()[-1])

    assert (closed.status, closed.closed, closed.won, len(closed.entries)) == (
        "lost", True, False, 1)


# ---- disputes -------------------------------------------------------------------------------

def withdrawn(dispute_id: str, amount: int, fee: int, **fields) -> dict:
    """The funds-withdrawn balance transaction of a dispute, in Stripe's sample's shape."""
    return stripe_sample("balance_transaction", **{
        "id": "txn_1Withdrawn", "amount": -amount, "fee": fee, "net": -amount - fee,
        "reporting_category": "dispute", "type": "adjustment", "source": dispute_id,
        "description": "Chargeback withdrawal for ch_1",
        "fee_details": [{"amount": fee, "application": None, "currency": "usd",
                         "description": "Dispute fee", "type": "stripe_fee"}], **fields})


def test_stripes_sample_dispute_opened_moves_no_money_yet():
    dispute = stripe_sample("dispute", payment_intent="pi_1Paid")

    (moved,) = movements(connect_event("charge.dispute.created", dispute))

    assert moved == DisputeMovement(
        dispute_id=dispute["id"], payment_id="pi_1Paid", charge_id=dispute["charge"],
        account_id=US_ACCOUNT, livemode=False, currency="USD", amount_minor=1000,
        status="warning_needs_response", closed=False, won=False, entries=(), metadata={},
        occurred_at=datetime.fromtimestamp(dispute["created"], tz=UTC))


def test_funds_withdrawn_carry_the_amount_and_the_dispute_fee():
    dispute = stripe_sample("dispute", payment_intent="pi_1Paid", status="needs_response")
    dispute["balance_transactions"] = [withdrawn(dispute["id"], 1000, 1500)]

    (moved,) = movements(connect_event("charge.dispute.funds_withdrawn", dispute))

    (entry,) = moved.entries
    assert (entry.category, entry.amount_minor, entry.fee_minor, entry.net_minor) == (
        ENTRY_DISPUTE, -1000, 1500, -2500)
    assert (entry.source_id, entry.payment_id) == (dispute["id"], "pi_1Paid")
    assert not moved.closed


@pytest.mark.parametrize(("status", "closed", "won"), [
    ("won", True, True), ("lost", True, False), ("under_review", False, False),
    ("warning_closed", False, False),  # an inquiry that never withdrew funds
])
def test_a_closed_dispute_says_whether_it_was_won(status, closed, won):
    dispute = stripe_sample("dispute", status=status, payment_intent="pi_1Paid")
    dispute["balance_transactions"] = [
        withdrawn(dispute["id"], 1000, 1500),
        withdrawn(dispute["id"], -1000, -1500, id="txn_1Reinstated",
                  reporting_category="dispute_reversal")] if won else []

    (moved,) = movements(connect_event("charge.dispute.closed", dispute))

    assert (moved.closed, moved.won) == (closed, won)
    assert sum(entry.net_minor for entry in moved.entries) == 0


def test_a_disputes_expanded_charge_routes_it():
    charge = stripe_sample("charge", payment_intent="pi_1Paid", metadata=METADATA)
    (moved,) = movements(connect_event("charge.dispute.updated",
                                       stripe_sample("dispute", charge=charge), False))
    assert (moved.payment_id, moved.charge_id, moved.metadata) == (
        "pi_1Paid", charge["id"], METADATA)


@pytest.mark.parametrize("fields", [{"amount": None}, {"status": ""},
                                    {"balance_transactions": ["txn_1NotExpanded"]},
                                    {"balance_transactions": [{"id": "txn_1", "net": 5}]}])
def test_a_dispute_missing_what_it_needs_is_an_error(fields):
    with pytest.raises(ValueError):
        movements(connect_event("charge.dispute.updated", stripe_sample("dispute", **fields),
                                False))


# ---- payouts --------------------------------------------------------------------------------

def paid_out(outcome: str = "paid") -> dict[str, dict]:
    """The stand-in's automatic payout of one available charge, settled with `outcome`: its
    events by type."""
    paid_events()
    (payout,) = stripe_sandbox.pay_out(US_ACCOUNT, fast_forward=True)
    stripe_sandbox.settle_payout(payout["id"], outcome)
    made = {delivery.event["type"]: delivery.event for delivery in stripe_sandbox.events_sent()
            if delivery.event["type"].startswith("payout.")}
    assert all(shapes.problems(event) == [] for event in made.values())
    return made


def test_a_payout_is_reconciled_only_when_stripe_says_so():
    made = paid_out()
    payout = made["payout.created"]["data"]["object"]
    (created,) = movements(made["payout.created"])

    assert created == PayoutMovement(
        payout_id=payout["id"], account_id=US_ACCOUNT, livemode=False, currency="USD",
        amount_minor=payout["amount"], status="in_transit", reconciled=False,
        arrival_date=datetime.fromtimestamp(payout["arrival_date"], tz=UTC).date(),
        automatic=True, occurred_at=datetime.fromtimestamp(payout["created"], tz=UTC))
    assert created.amount_minor == 12050 - stripe_balance.fee(12050, "usd")
    (paid,) = movements(made["payout.paid"])
    (reconciled,) = movements(made["payout.reconciliation_completed"])
    assert (paid.status, paid.reconciled) == ("paid", True)  # the stand-in completes both
    assert (reconciled.status, reconciled.reconciled) == ("paid", True)


def test_the_reconciliation_event_is_enough_to_say_reconciled():
    event = paid_out()["payout.reconciliation_completed"]
    event["data"]["object"]["reconciliation_status"] = "in_progress"  # an older snapshot
    assert movements(event)[0].reconciled is True


@pytest.mark.parametrize("outcome", ["failed", "canceled"])
def test_a_failed_or_cancelled_payout_says_so(outcome):
    event = paid_out(outcome)[f"payout.{outcome}"]
    (moved,) = movements(event)
    assert (moved.status, moved.reconciled) == (outcome, False)
    # the entry that brought the money back, which dates the reversal
    assert moved.failure_entry_id == event["data"]["object"]["failure_balance_transaction"]
    assert moved.failure_entry_id.startswith("txn_")


def test_stripes_sample_payout_events():
    for step in ("created", "updated", "paid", "failed", "canceled", "reconciliation_completed"):
        event = connect_event(f"payout.{step}", stripe_sample("payout"))
        (moved,) = movements(event)
        assert (moved.amount_minor, moved.arrival_date) == (1100, date(2009, 2, 13))
        assert received(event).kind is EventKind.PAYMENT


@pytest.mark.parametrize("fields", [{"arrival_date": None}, {"amount": 1.5}, {"id": None}])
def test_a_payout_missing_what_it_needs_is_an_error(fields):
    with pytest.raises(ValueError):
        movements(connect_event("payout.paid", stripe_sample("payout", **fields), False))


def test_platform_events_move_nothing():
    event = connect_event("payout.paid", stripe_sample("payout"))
    del event["account"]
    assert movements(event) == []
