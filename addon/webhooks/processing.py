"""Stored gateway events and what each type changes. Events for no known gateway (another
account, the other mode) are kept and marked ignored, never an error."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from addon.extensions import db
from addon.models import Gateway, GatewayAudit, GatewayEvent, GatewayStatus, WorkStatus, utcnow


def store_event(source: str, event: dict) -> tuple[GatewayEvent, bool]:
    """The stored row, and whether this delivery created it (False: a redelivery)."""
    existing = _find(source, event["id"])
    if existing is not None:
        return existing, False
    row = GatewayEvent(source=source, event_id=event["id"], event_type=event.get("type", ""),
                       account_id=event.get("account"), livemode=bool(event.get("livemode")),
                       payload=event, status=WorkStatus.PENDING)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # a concurrent delivery of the same event won the insert
        return _find(source, event["id"]), False
    db.session.commit()
    return row, True


def process_event(event_row_id: int) -> WorkStatus:
    row = db.session.get(GatewayEvent, event_row_id)
    if row is None or row.status in (WorkStatus.DONE, WorkStatus.IGNORED):
        return row.status if row else WorkStatus.IGNORED
    handler = HANDLERS.get(row.event_type)
    gateways = _gateways_for(row)
    row.attempts += 1
    if handler is None or not gateways:
        row.status = WorkStatus.IGNORED
    else:
        handler(row, gateways)
        row.status = WorkStatus.DONE
    row.processed_at = utcnow()
    db.session.commit()
    return row.status


def _deauthorized(row: GatewayEvent, gateways: list[Gateway]) -> None:
    """The account owner disconnected Remit in Stripe: stop using the account, keep the
    gateway's mappings so Reconnect restores it as it was."""
    for gateway in gateways:
        if gateway.disconnected_at is None:
            gateway.status = GatewayStatus.DISCONNECTED
            gateway.disconnected_at = utcnow()
            gateway.credentials = None
            db.session.add(GatewayAudit(gateway=gateway, change="deauthorized",
                                        new_value=row.event_id))


HANDLERS = {"account.application.deauthorized": _deauthorized}


def _gateways_for(row: GatewayEvent) -> list[Gateway]:
    return list(db.session.scalars(
        select(Gateway).where(Gateway.kind == row.source, Gateway.account_id == row.account_id,
                              Gateway.livemode == row.livemode,
                              Gateway.status != GatewayStatus.ARCHIVED)
    ))


def _find(source: str, event_id: str) -> GatewayEvent | None:
    return db.session.scalar(select(GatewayEvent).where(GatewayEvent.source == source,
                                                        GatewayEvent.event_id == event_id))
