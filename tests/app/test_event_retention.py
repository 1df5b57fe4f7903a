"""Gateway event payloads are dropped once the events finished longer ago than Stripe
redelivers them (addon/webhooks/retention.py): the rows stay, so a redelivery is still a
duplicate; pending and failed events keep theirs; every reader copes with a dropped one; and a
completed checkout page keeps its payment's id, so the pay page still knows it was posted."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from addon.extensions import db
from addon.jobs import drop_old_event_payloads, process_event_task
from addon.models import CheckoutSession, GatewayEvent, Posting, WorkStatus, utcnow
from addon.pay import sessions
from addon.webhooks.processing import waiting_for_payments
from addon.webhooks.retention import PAYLOAD_KEPT
from tests.app.payment_flow import company_with_stripe
from tests.app.postings_flow import deliver, paid, postings

INVOICE = "130"  # 250.00 USD


def age(days: float) -> None:
    """Every event finished `days` ago."""
    db.session.execute(update(GatewayEvent).values(
        processed_at=utcnow() - timedelta(days=days)))
    db.session.commit()


def payloads() -> dict[str, bool]:
    """Event type -> whether its payload is kept (one event per type here)."""
    db.session.expire_all()
    return {event.event_type: event.payload is not None
            for event in db.session.scalars(select(GatewayEvent))}


def test_redelivering_an_event_whose_payload_was_dropped_is_still_a_duplicate(client):
    company = company_with_stripe(client)
    _intent, events = paid(client, company, INVOICE, "100.00")
    deliver(client, events)
    stored = db.session.scalar(select(func.count(GatewayEvent.id)))
    posted = [(p.id, p.status) for p in postings(company)]
    assert stored == len(events) and posted
    age(PAYLOAD_KEPT.days + 1)

    assert drop_old_event_payloads.call_local() == stored
    assert not any(payloads().values())
    for delivery in events:
        again = client.post("/webhooks/stripe", data=delivery.payload, headers=delivery.headers)
        assert again.status_code == 200
        assert again.get_json() == {"received": True, "duplicate": True}
    assert db.session.scalar(select(func.count(GatewayEvent.id))) == stored
    assert not any(payloads().values())
    assert [(p.id, p.status) for p in postings(company)] == posted


def test_only_events_finished_longer_ago_than_the_window_lose_their_payload(client):
    company = company_with_stripe(client)
    _intent, events = paid(client, company, INVOICE, "100.00")
    deliver(client, events)
    age(PAYLOAD_KEPT.days - 1)
    assert drop_old_event_payloads.call_local() == 0 and all(payloads().values())

    age(PAYLOAD_KEPT.days + 1)
    pending, failed = db.session.scalars(select(GatewayEvent).order_by(GatewayEvent.id)
                                         .limit(2)).all()
    pending.status, failed.status = WorkStatus.PENDING, WorkStatus.FAILED
    db.session.commit()
    kept = {pending.event_type, failed.event_type}
    drop_old_event_payloads.call_local()
    assert {kind for kind, whole in payloads().items() if whole} == kept


def test_every_reader_copes_with_a_dropped_payload(client):
    company = company_with_stripe(client)
    _intent, events = paid(client, company, INVOICE, "100.00")
    deliver(client, events)
    age(PAYLOAD_KEPT.days + 1)
    drop_old_event_payloads.call_local()
    for event in db.session.scalars(select(GatewayEvent)).all():
        assert process_event_task.call_local(event.id) == event.status.value
        assert waiting_for_payments(event.id) == []
        sessions.on_event(event.id)
    assert [p.status for p in postings(company, "payment")] == [WorkStatus.DONE]


def test_a_completed_page_keeps_its_payment_so_the_pay_page_still_counts_it_as_posted(
        client):
    company = company_with_stripe(client)
    intent, events = paid(client, company, INVOICE, "100.00")
    deliver(client, events)
    page = db.session.scalars(select(CheckoutSession)).one()
    assert page.status == sessions.COMPLETE and page.payment_id == intent
    # A page completed before pages kept their payment: the id is only in the event.
    page.payment_id = None
    db.session.commit()
    age(PAYLOAD_KEPT.days + 1)

    drop_old_event_payloads.call_local()
    db.session.expire_all()
    page = db.session.scalars(select(CheckoutSession)).one()
    assert page.payment_id == intent and not any(payloads().values())
    assert db.session.scalar(select(Posting.source_id).where(Posting.kind == "payment")) == \
        intent
    # Posted, and read from the ledger since: nothing is on its way to the invoice.
    assert sessions.not_yet_posted(company.id, INVOICE, "USD", utcnow()) == 0
