"""Stored gateway events and what each type changes. Events for no known gateway (another
account, the other mode) are kept and marked ignored, never an error; payments that name no
Remit gateway of their account are kept as unmatched (addon.posting.runner.claim_postings); fees,
refunds, disputes and payouts are claimed by addon.posting.claims. An event about a payment Remit
has not seen yet stays pending, saying so, and is processed again when the payment arrives; if it
still waits after unknown_payments.GRACE, one read of the payment decides what it is (unmatched,
or waiting visibly for a payment Remit never recorded) and the sweep stops re-processing it."""

from __future__ import annotations

from sqlalchemy import and_, or_, select

from addon.extensions import db
from addon.gateways.registry import kind
from addon.models import Gateway, GatewayAudit, GatewayEvent, GatewayStatus, WorkStatus, utcnow
from addon.ops import metrics
from addon.posting import unknown_payments
from addon.posting.claims import claim_movements
from gateways.base import EventKind

WAITING = "Waiting: "
# An event in one of these is applied for good: processing it again changes nothing, so its
# payload may be dropped once the gateway no longer redelivers it (retention.py).
FINISHED = (WorkStatus.DONE, WorkStatus.IGNORED, WorkStatus.UNMATCHED)


def refused(source: str) -> None:
    """Count a delivery the gateway's verification refused (nothing was stored)."""
    metrics.webhook_event(source, "refused")


def process_event(event_row_id: int) -> tuple[WorkStatus, list[int]]:
    """Apply one event; returns its status and the postings it asks to write to the ledger."""
    row = db.session.get(GatewayEvent, event_row_id)
    # Finished (retention.py drops only finished events' payloads): nothing more to apply.
    if row is None or row.status in FINISHED or row.payload is None:
        return (row.status if row else WorkStatus.IGNORED), []
    row.attempts += 1
    to_post: list[int] = []
    provider = kind(row.source).build()
    handler = HANDLERS.get(provider.event(row.payload).kind)
    gateways = _gateways_for(row)
    if handler is not None and gateways:
        handler(row, gateways)
        row.status = WorkStatus.DONE
    else:
        try:
            movements = provider.movements(row.payload)
        except ValueError as malformed:  # an event lacking what a payment needs
            row.status, row.last_error = WorkStatus.FAILED, str(malformed)
            db.session.commit()
            return row.status, []
        claimed = claim_movements(row, movements)
        if claimed.unknown and unknown_payments.due(row) and gateways:  # time's up: ask
            named = unknown_payments.look_up(row, provider, claimed.unknown)
            claimed = claim_movements(row, movements, named)
        postings = claimed.postings
        to_post = list(dict.fromkeys(p.id for p in postings if p.status is WorkStatus.PENDING
                                     and not unknown_payments.unrecorded(p)))
        if claimed.waiting and not gateways and unknown_payments.due(row):
            row.status, row.last_error = WorkStatus.IGNORED, None  # no company on the account
        elif claimed.waiting and unknown_payments.expired(row):  # stop: failed, visible
            row.status = WorkStatus.FAILED
            row.last_error = unknown_payments.gave_up(claimed.unknown)
        elif claimed.waiting:  # processed again when the payment is known (or by the sweep)
            row.status, row.last_error = WorkStatus.PENDING, WAITING + " ".join(claimed.waiting)
            db.session.commit()
            return row.status, to_post
        elif claimed.followed_unrecorded:  # no more sweeping; woken if the payment comes
            row.status = WorkStatus.FAILED
            row.last_error = unknown_payments.UNRECORDED + " ".join(
                unknown_payments.UNRECORDED_REASON.format(payment_id=payment_id)
                for payment_id in claimed.unrecorded)
        else:
            row.status, row.last_error = _status_of(postings), None
    row.processed_at = utcnow()
    db.session.commit()
    return row.status, to_post


def waiting_for_payments(event_row_id: int) -> list[int]:
    """Events that waited for a payment this event made known, or were left waiting for a
    payment Remit never recorded (unknown_payments): to be processed again."""
    row = db.session.get(GatewayEvent, event_row_id)
    if row is None or row.status is WorkStatus.PENDING or row.payload is None:
        return []
    provider = kind(row.source).build()
    try:
        known = {m.source_id for m in provider.movements(row.payload) if m.kind == "payment"}
    except ValueError:
        return []
    if not known:
        return []
    waiting = db.session.scalars(select(GatewayEvent).where(
        GatewayEvent.source == row.source, GatewayEvent.account_id == row.account_id,
        GatewayEvent.id != row.id,
        or_(and_(GatewayEvent.status == WorkStatus.PENDING,
                 GatewayEvent.last_error.startswith(WAITING)),
            and_(GatewayEvent.status == WorkStatus.FAILED,
                 or_(*(GatewayEvent.last_error.startswith(prefix)
                       for prefix in unknown_payments.WOKEN_WHEN_FOUND))))))
    found = []
    for event in waiting:
        if event.payload is None:  # not dropped while waiting (not finished); never read as {}
            continue
        try:
            movements = provider.movements(event.payload)
        except ValueError:
            continue
        if any(_payment_of(m) in known for m in movements):
            found.append(event.id)
    return found


def _payment_of(movement) -> str | None:
    return getattr(movement, "payment_id", None) or getattr(movement, "charge_id", None)


def _status_of(postings: list) -> WorkStatus:
    """Ignored when the event concerns no company, unmatched when it only brought payments
    Remit did not ask for, else done."""
    if not postings:
        return WorkStatus.IGNORED
    if all(p.status is WorkStatus.UNMATCHED for p in postings):
        return WorkStatus.UNMATCHED
    return WorkStatus.DONE


def _deauthorized(row: GatewayEvent, gateways: list[Gateway]) -> None:
    """The account owner disconnected Remit at the gateway: stop using the account, keep the
    gateway's mappings so Reconnect restores it as it was."""
    for gateway in gateways:
        if gateway.disconnected_at is None:
            gateway.status = GatewayStatus.DISCONNECTED
            gateway.disconnected_at = utcnow()
            gateway.credentials = None
            db.session.add(GatewayAudit(gateway=gateway, change="deauthorized",
                                        new_value=row.event_id))


HANDLERS = {EventKind.DEAUTHORIZED: _deauthorized}


def _gateways_for(row: GatewayEvent) -> list[Gateway]:
    return list(db.session.scalars(
        select(Gateway).where(Gateway.kind == row.source, Gateway.account_id == row.account_id,
                              Gateway.livemode == row.livemode,
                              Gateway.status != GatewayStatus.ARCHIVED)
    ))

