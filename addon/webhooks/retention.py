"""Gateway events are not kept whole for ever: the payload of an event that finished (done,
ignored or unmatched) longer ago than PAYLOAD_KEPT is dropped (set to NULL). The row stays, with
its (source, event_id), so a redelivery however late is still stored once and answered as a
duplicate; so do its type, account, status and times. Pending and failed events keep theirs:
they may be processed again (a failed one is woken when the payment it waited for arrives).

Stripe redelivers a live event for up to 3 days (test mode: a few hours), so PAYLOAD_KEPT
leaves a margin of as much again. What a reader needs later is kept elsewhere first: postings
keep the payment as seen (posting.payload), and a completed checkout page its payment's id."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, null, or_, select, update

from addon.extensions import db
from addon.gateways.registry import KINDS, GatewayNotConfigured
from addon.models import GatewayEvent, utcnow
from addon.pay import sessions
from addon.webhooks.processing import FINISHED
from gateways.base import GatewayProvider

PAYLOAD_KEPT = timedelta(days=7)
BATCH = 1000  # events per transaction: short locks on a table webhooks write to


def drop_old_payloads(now: datetime | None = None) -> int:
    """Drop the payloads of events finished before now - PAYLOAD_KEPT, a batch per
    transaction; the number dropped. The events are walked in (processed_at, id) order on
    the partial index of those that still keep a payload, so a run costs what it drops, not
    the table's size; the status is checked here rather than in the query, so no database
    prefers the status index (almost every event is done) and reads them all. Events of a
    gateway whose settings are missing cannot be read, so they are left as they are."""
    cutoff = (now or utcnow()) - PAYLOAD_KEPT
    providers = _readable()
    dropped, after = 0, None
    while True:
        query = select(GatewayEvent.id, GatewayEvent.source, GatewayEvent.status,
                       GatewayEvent.processed_at).where(GatewayEvent.payload.is_not(None),
                                                        GatewayEvent.processed_at < cutoff)
        if after is not None:
            query = query.where(GatewayEvent.processed_at >= after[0], or_(
                GatewayEvent.processed_at > after[0], GatewayEvent.id > after[1]))
        batch = db.session.execute(query.order_by(GatewayEvent.processed_at, GatewayEvent.id)
                                   .limit(BATCH)).all()
        ids = [row.id for row in batch if row.status in FINISHED and row.source in providers]
        if ids:
            _keep_what_readers_need(ids, providers)
            db.session.execute(update(GatewayEvent).where(GatewayEvent.id.in_(ids))
                               .values(payload=null()),
                               execution_options={"synchronize_session": False})
        db.session.commit()
        dropped += len(ids)
        if len(batch) < BATCH:
            return dropped
        after = (batch[-1].processed_at, batch[-1].id)


def _readable() -> dict[str, GatewayProvider]:
    providers = {}
    for key, gateway_kind in KINDS.items():
        try:
            providers[key] = gateway_kind.build()
        except GatewayNotConfigured:
            continue
    return providers


def _keep_what_readers_need(event_ids: list[int], providers: dict[str, GatewayProvider]
                            ) -> None:
    """A checkout completion names the page's payment, which the pay page still needs (was
    the page's payment posted?): the page keeps that id before the payload goes. Other
    events' payloads are needed by no reader once finished."""
    completions = db.session.scalars(select(GatewayEvent).where(
        GatewayEvent.id.in_(event_ids),
        or_(*(and_(GatewayEvent.source == key,
                   GatewayEvent.event_type.in_(sorted(provider.checkout_event_types)))
              for key, provider in providers.items()))))
    for event in completions:
        state = providers[event.source].checkout_update(event.payload)
        if state is None or state.status != sessions.COMPLETE:
            continue
        for session in sessions.sessions_of(event, state):
            if not session.payment_id:
                sessions.learn(session, state)
