"""A refund or dispute whose payment Remit never sees: after the grace period one read of the
payment settles it (unmatched, or waiting visibly for a payment Remit never recorded), the sweep
stops, and a payment arriving after all is still recorded once with what followed it. Time is
moved as the sweep tests move it: by ageing the stored rows."""

from __future__ import annotations

import copy
import json
import os
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

import sandbox.stripe
from addon.extensions import db
from addon.jobs import sweep_pending_events
from addon.models import GatewayEvent, Posting, WorkStatus
from addon.posting import unknown_payments
from gateways.base import GatewayUnavailable
from gateways.stripe.provider import StripeGateway
from sandbox import stripe_payments
from sandbox.stripe_events import signed
from tests.app.payment_flow import company_with_stripe
from tests.app.postings_flow import (
    deliver,
    one,
    paid,
    postings,
    recording_ledger,
    refunded,
    set_roles,
)
from tests.app.test_activity_movements import in_french
from tests.app.test_routing import US, _add_company

INVOICE = "130"  # 250.00 USD
CHECKING, BANK_CHARGES = "35", "8"


@pytest.fixture
def ledger(monkeypatch):
    return recording_ledger(monkeypatch)


@pytest.fixture
def reads(monkeypatch):
    """Every payment read the add-on makes, by payment id."""
    made: list[str] = []
    original = StripeGateway.payment

    def counted(self, account_id, payment_id):
        made.append(payment_id)
        return original(self, account_id, payment_id)

    monkeypatch.setattr(StripeGateway, "payment", counted)
    return made


def only(deliveries, *types: str) -> list:
    return [d for d in deliveries if json.loads(d.payload)["type"] in types]


def paid_elsewhere(intent: str) -> None:
    """The payment as one made outside Remit (a dashboard charge, another platform's checkout
    on the shared account) reads: without Remit's metadata."""
    with stripe_payments.locked():
        stripe_payments._intents[intent]["metadata"] = {}
        charge = stripe_payments._intents[intent]["latest_charge"]
    stripe_payments.update_charge(charge if isinstance(charge, str) else charge["id"],
                                  metadata={})


def without_metadata(delivery):
    """A delivery of the payment as Stripe sends it for a payment made outside Remit."""
    event = copy.deepcopy(json.loads(delivery.payload))
    event["data"]["object"]["metadata"] = {}
    body, headers = signed(event)
    return SimpleNamespace(payload=body, headers=headers)


def events_of(*types: str) -> list[GatewayEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(GatewayEvent).where(
        GatewayEvent.event_type.in_(types)).order_by(GatewayEvent.id)))


def age(minutes: int) -> None:
    """Move the clock: every stored event and posting is `minutes` older."""
    for event in db.session.scalars(select(GatewayEvent)):
        event.received_at -= timedelta(minutes=minutes)
    for posting in db.session.scalars(select(Posting)):
        posting.updated_at -= timedelta(minutes=minutes)
    db.session.commit()


REFUND_EVENTS = ("refund.created", "refund.updated")


def test_a_dashboard_refund_of_a_payment_made_outside_remit_ends_unmatched(client, ledger,
                                                                            reads):
    company = _add_company(client, US, "USD")
    intent, payment_events = paid(client, company, INVOICE, "100.00")  # delivered late
    paid_elsewhere(intent)
    # The refund's own events only (charge.refunded, which carries the charge, was lost).
    deliver(client, only(refunded(intent, 1000), *REFUND_EVENTS))
    sweep_pending_events.call_local()  # within the grace period: no read, still waiting
    assert reads == [] and {e.status for e in events_of(*REFUND_EVENTS)} == {
        WorkStatus.PENDING}

    age(11)
    assert sweep_pending_events.call_local() >= 1
    assert {e.status for e in events_of(*REFUND_EVENTS)} == {WorkStatus.UNMATCHED}
    assert {(p.kind, p.status) for p in postings(company)} == {
        ("payment", WorkStatus.UNMATCHED), ("refund", WorkStatus.UNMATCHED)}
    read_count = len(reads)
    assert 1 <= read_count <= 2  # one per event still waiting, never per sweep

    age(60)
    for _ in range(3):  # no longer swept
        assert sweep_pending_events.call_local() == 0
    assert len(reads) == read_count and ledger.writes == []
    page = client.get("/activity").get_data(as_text=True)
    assert "Unmatched" in page and intent in page

    late = [without_metadata(d) for d in payment_events]  # the payment's own events, late
    deliver(client, late + late)
    assert {(p.kind, p.status) for p in postings(company)} == {
        ("payment", WorkStatus.UNMATCHED), ("refund", WorkStatus.UNMATCHED)}
    assert ledger.writes == [] and len(reads) == read_count


def test_a_refund_whose_payment_comes_twenty_minutes_late_posts_once(client, ledger, reads):
    company = company_with_stripe(client)
    set_roles(client, company, settlement=CHECKING, fees=BANK_CHARGES)
    intent, payment_events = paid(client, company, INVOICE, "100.00")
    refund_events = refunded(intent, 2500)
    deliver(client, refund_events)
    age(11)
    sweep_pending_events.call_local()  # the read: Remit's checkout made it, Remit has no record
    assert set(reads) == {intent}
    refund = one(company, "refund")
    assert refund.status is WorkStatus.PENDING and refund.attempts == 0
    assert refund.payload["waiting"] == {"code": unknown_payments.PAYMENT_UNRECORDED,
                                         "payment_id": intent}
    waiting = events_of(*REFUND_EVENTS)
    assert {e.status for e in waiting} == {WorkStatus.FAILED}
    assert all(e.last_error.startswith(unknown_payments.UNRECORDED) for e in waiting)
    page = client.get("/activity").get_data(as_text=True)
    assert "never recorded" in page and intent in page and 'field-error' not in page
    french = in_french(client)
    assert "jamais enregistré" in french and intent in french
    read_count = len(reads)
    age(5)
    for _ in range(3):  # neither the events nor the posting are swept any more
        sweep_pending_events.call_local()
    assert len(reads) == read_count and ledger.writes == []
    refund = one(company, "refund")
    assert refund.attempts == 0 and refund.status is WorkStatus.PENDING
    assert refund.payload["waiting"]["code"] == unknown_payments.PAYMENT_UNRECORDED

    age(4)  # 20 minutes after the refund, the payment's events come after all
    deliver(client, payment_events)
    deliver(client, refund_events + payment_events)  # and everything again
    assert one(company, "payment").status is WorkStatus.DONE
    refund = one(company, "refund")
    assert refund.status is WorkStatus.DONE, refund.error
    assert "waiting" not in refund.payload
    assert len(ledger.of("RefundReceipt")) == 1
    assert ledger.of("RefundReceipt")[0].idempotency_key == refund.idempotency_key
    assert {e.status for e in events_of(*REFUND_EVENTS)} == {WorkStatus.DONE}


def test_a_dispute_on_a_payment_made_outside_remit_ends_unmatched(client, ledger, reads):
    company = _add_company(client, US, "USD")
    intent, _payment_events = paid(client, company, INVOICE, "100.00")
    paid_elsewhere(intent)
    sandbox.stripe.open_dispute(intent)
    deliver(client, sandbox.stripe.last_events())
    dispute_events = events_of("charge.dispute.created", "charge.dispute.funds_withdrawn")
    assert dispute_events and {e.status for e in dispute_events} == {WorkStatus.PENDING}

    age(11)
    sweep_pending_events.call_local()
    sweep_pending_events.call_local()  # concurrent or repeated sweeps change nothing more
    (created,) = events_of("charge.dispute.created")  # nothing to record in it
    (withdrawn,) = events_of("charge.dispute.funds_withdrawn")
    assert (created.status, withdrawn.status) == (WorkStatus.IGNORED, WorkStatus.UNMATCHED)
    kinds = [(p.kind, p.status) for p in postings(company)]
    assert sorted(kinds) == [("dispute", WorkStatus.UNMATCHED),
                             ("payment", WorkStatus.UNMATCHED)]
    assert set(reads) == {intent} and ledger.writes == []


def test_an_event_the_gateway_cannot_tell_about_is_failed_after_a_day(client, ledger,
                                                                      monkeypatch):
    company = _add_company(client, US, "USD")
    intent, _payment_events = paid(client, company, INVOICE, "100.00")
    deliver(client, only(refunded(intent, 1000), *REFUND_EVENTS))
    def unavailable(self, account_id, payment_id):
        raise GatewayUnavailable("down")

    monkeypatch.setattr(StripeGateway, "payment", unavailable)
    age(11)
    sweep_pending_events.call_local()
    assert {e.status for e in events_of(*REFUND_EVENTS)} == {WorkStatus.PENDING}
    age(int(unknown_payments.GIVE_UP_AFTER.total_seconds() // 60))
    sweep_pending_events.call_local()
    failed = events_of(*REFUND_EVENTS)
    assert {e.status for e in failed} == {WorkStatus.FAILED}
    assert all(e.last_error.startswith(unknown_payments.GAVE_UP_WAITING) for e in failed)
    assert sweep_pending_events.call_local() == 0 and postings(company) == []


@pytest.mark.skipif(
    not os.environ.get("REMIT_DATABASE_URL", "").startswith("postgres"),
    reason="concurrent writers need PostgreSQL; SQLite serialises them",
)
def test_concurrent_sweeps_settle_an_unknown_payment_s_dispute_once(client, app, ledger):
    company = _add_company(client, US, "USD")
    intent, _payment_events = paid(client, company, INVOICE, "100.00")
    paid_elsewhere(intent)
    sandbox.stripe.open_dispute(intent)
    deliver(client, sandbox.stripe.last_events())
    age(11)
    failures = []

    def sweep():
        with app.app_context():
            try:
                sweep_pending_events.call_local()
            except Exception as error:  # reported by the assertion below
                failures.append(error)

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted((p.kind, p.status) for p in postings(company)) == [
        ("dispute", WorkStatus.UNMATCHED), ("payment", WorkStatus.UNMATCHED)]
    (withdrawn,) = events_of("charge.dispute.funds_withdrawn")
    assert withdrawn.status is WorkStatus.UNMATCHED and ledger.writes == []


def test_a_payment_recorded_while_its_refund_was_being_decided_is_not_missed(client, ledger,
                                                                            monkeypatch):
    company = company_with_stripe(client)
    set_roles(client, company, settlement=CHECKING, fees=BANK_CHARGES)
    intent, payment_events = paid(client, company, INVOICE, "100.00")
    deliver(client, refunded(intent, 2500))
    age(11)
    sweep_pending_events.call_local()
    assert one(company, "refund").payload["waiting"]["code"] == (
        unknown_payments.PAYMENT_UNRECORDED)
    # The payment's event was processed in that instant: its wake-up saw the refund's events
    # still waiting the ordinary way, and so never woke them again.
    monkeypatch.setattr("addon.jobs.waiting_for_payments", lambda _event_id: [])
    deliver(client, payment_events)
    assert one(company, "payment").status is WorkStatus.DONE
    assert one(company, "refund").status is WorkStatus.PENDING
    age(3)
    sweep_pending_events.call_local()  # the sweep sees the payment is known now
    refund = one(company, "refund")
    assert refund.status is WorkStatus.DONE, refund.error
    assert len(ledger.of("RefundReceipt")) == 1


def test_a_dispute_whose_payment_comes_late_is_recorded_once(client, ledger, reads):
    company = company_with_stripe(client)
    set_roles(client, company, settlement=CHECKING, fees=BANK_CHARGES)
    intent, payment_events = paid(client, company, INVOICE, "100.00")
    sandbox.stripe.open_dispute(intent)
    dispute_events = sandbox.stripe.last_events()
    deliver(client, dispute_events + dispute_events)  # twice
    age(11)
    sweep_pending_events.call_local()
    sweep_pending_events.call_local()
    step = one(company, "dispute")
    assert step.status is WorkStatus.PENDING and step.payload["waiting"] == {
        "code": unknown_payments.PAYMENT_UNRECORDED, "payment_id": intent}
    assert set(reads) == {intent} and ledger.writes == []

    age(9)
    deliver(client, payment_events + dispute_events + payment_events)
    step = one(company, "dispute")
    assert step.status is WorkStatus.DONE, step.error
    assert one(company, "payment").status is WorkStatus.DONE
    withdrawals = [j for j in ledger.of("JournalEntry")
                   if j.idempotency_key == step.idempotency_key]
    assert len(withdrawals) == 1  # the funds withdrawn, once
