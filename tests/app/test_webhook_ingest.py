"""The webhook endpoint's cost: a new event is stored with one statement (no SELECT first, no
SAVEPOINT, no BEGIN or COMMIT: it commits on its own) and enqueued once; a redelivery is
answered 2xx with that one statement and nothing enqueued; the provider is built once per
process, not per request."""

from __future__ import annotations

import dataclasses
import json
import time

import pytest
from sqlalchemy import event, func, select

from addon.extensions import db
from addon.gateways import registry
from addon.models import GatewayEvent, WorkStatus
from addon.webhooks import views
from sandbox.stripe_events import signature_header


def delivery(app, event_id: str) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({
        "id": event_id, "object": "event", "type": "payment_intent.succeeded",
        "account": "acct_nobody_knows", "livemode": False, "created": int(time.time()),
        "data": {"object": {"id": "pi_ingest", "object": "payment_intent", "amount": 2000,
                            "amount_received": 2000, "currency": "usd", "status": "succeeded",
                            "metadata": {}}},
    }).encode()
    secret = app.config["STRIPE_WEBHOOK_SECRET"]
    return body, {"Stripe-Signature": signature_header(body, secret),
                  "Content-Type": "application/json"}


@pytest.fixture
def enqueued(monkeypatch):
    """The event ids the endpoint hands to the queue (the task itself is not run)."""
    ids: list[int] = []
    monkeypatch.setattr(views, "process_event_task", ids.append)
    return ids


@pytest.fixture
def statements(app):
    """The SQL the database is sent, in order."""
    sent: list[str] = []

    def record(conn, cursor, statement, *args):
        sent.append(statement.split(None, 1)[0].upper())

    event.listen(db.engine, "before_cursor_execute", record)
    yield sent
    event.remove(db.engine, "before_cursor_execute", record)


def test_a_new_event_is_one_insert_and_one_enqueue(app, client, enqueued, statements):
    body, headers = delivery(app, "evt_ingest_new")
    answer = client.post("/webhooks/stripe", data=body, headers=headers)
    assert answer.status_code == 200
    assert answer.get_json() == {"received": True, "duplicate": False}
    assert statements == ["INSERT"]
    row = db.session.scalar(select(GatewayEvent).where(GatewayEvent.event_id == "evt_ingest_new"))
    assert enqueued == [row.id]
    assert (row.source, row.event_type, row.account_id, row.livemode) == (
        "stripe", "payment_intent.succeeded", "acct_nobody_knows", False)
    assert row.status is WorkStatus.PENDING and row.attempts == 0
    assert row.payload["data"]["object"]["id"] == "pi_ingest" and row.received_at is not None


def test_a_redelivery_is_answered_without_work(app, client, enqueued, statements):
    body, headers = delivery(app, "evt_ingest_again")
    assert client.post("/webhooks/stripe", data=body, headers=headers).status_code == 200
    statements.clear()
    again = client.post("/webhooks/stripe", data=body, headers=headers)
    assert again.status_code == 200
    assert again.get_json() == {"received": True, "duplicate": True}
    assert statements == ["INSERT"]  # the insert that found the row there: nothing else
    assert len(enqueued) == 1
    assert db.session.scalar(select(func.count()).select_from(GatewayEvent)) == 1


def test_a_refused_signature_touches_no_table(app, client, enqueued, statements):
    body, headers = delivery(app, "evt_ingest_forged")
    headers["Stripe-Signature"] = signature_header(body, "whsec_someone_else")
    assert client.post("/webhooks/stripe", data=body, headers=headers).status_code == 400
    assert statements == [] and enqueued == []


def test_the_provider_is_built_once_per_process(app, client, enqueued, monkeypatch):
    stripe = registry.KINDS["stripe"]
    builds = []

    def counting_factory(*args, **kwargs):
        builds.append(1)
        return stripe.factory(*args, **kwargs)

    monkeypatch.setitem(registry.KINDS, "stripe",
                        dataclasses.replace(stripe, factory=counting_factory))
    for number in range(3):
        body, headers = delivery(app, f"evt_ingest_built_{number}")
        assert client.post("/webhooks/stripe", data=body, headers=headers).status_code == 200
    assert len(builds) == 1 and len(enqueued) == 3
