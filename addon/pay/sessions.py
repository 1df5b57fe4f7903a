"""The invoice's Checkout Sessions and the payments not yet in the ledger: what closes the
paying-twice window.

Between the customer paying and the payment appearing in the ledger there are seconds to
minutes (webhook delivery, the queue, the ledger's throttling), and the pay page's ledger read
is cached for a minute. In that time the ledger still shows the old balance. So the page
subtracts what Stripe has taken and the ledger does not show yet, and an invoice has at most
one payable Checkout page: opening one expires the others, completing one expires the rest.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from huey.exceptions import TaskLockedException
from sqlalchemy import and_, or_, select

from addon import money
from addon.extensions import db
from addon.gateways.registry import exponent, kind
from addon.models import CheckoutSession, Gateway, GatewayEvent, Posting, WorkStatus, utcnow
from addon.queue import huey
from gateways.base import METADATA_AMOUNTS, METADATA_INVOICES, CheckoutState, GatewayError

log = logging.getLogger(__name__)
OPEN, COMPLETE, EXPIRED = "open", "complete", "expired"  # gateways.base.CheckoutState.status
# Past its expires_at Stripe has expired a session itself; a minute's grace for clock drift.
EXPIRY_GRACE = timedelta(minutes=1)
# Stripe dates events to the second: a page opened within a second of a payment may have been
# open when it was paid, so it is expired (reopening costs a click; a second payment, money).
SAME_MOMENT = timedelta(seconds=1)


def invoice_lock(company_id: int, invoice_id: str):
    """Held while the invoice's pages are closed and a new one opened (shared by every web
    process and worker, in the queue's storage): TaskLockedException when taken."""
    return huey.lock_task(f"pay-{company_id}-{invoice_id}")


def record(gateway: Gateway, invoice_id: str, session_id: str, amount_minor: int,
           currency: str, expires_at: datetime) -> CheckoutSession:
    row = CheckoutSession(company_id=gateway.company_id, gateway_id=gateway.id,
                          invoice_id=invoice_id, session_id=session_id,
                          amount_minor=amount_minor, currency=currency, status=OPEN,
                          expires_at=expires_at)
    db.session.add(row)
    db.session.commit()
    return row


def close_open(company_id: int, invoice_id: str, keep: str | None = None,
               opened_before: datetime | None = None) -> bool:
    """Expire the invoice's open sessions (but `keep`, and those opened since `opened_before`)
    at the gateway; True when one of them turned out to be paid meanwhile. GatewayError when
    one could not be closed: then no new page may be opened. The caller holds the invoice's
    lock (views.py), so no transaction is held across the gateway calls."""
    paid = False
    for row in _open_rows(company_id, invoice_id):
        if row.session_id == keep or (opened_before and row.created_at >= opened_before
                                      + SAME_MOMENT):
            continue
        if _expired_locally(row):
            row.status = EXPIRED
            continue
        gateway = db.session.get(Gateway, row.gateway_id)
        state = kind(gateway.kind).build().expire_checkout(gateway.account_id, row.session_id)
        learn(row, state)
        paid = paid or state.status == COMPLETE
    db.session.commit()
    return paid


def refresh_open(company_id: int, invoice_id: str) -> None:
    """Ask the gateway where the invoice's open pages stand, so a page paid seconds ago counts
    before its webhook arrives. Read only (the customer may still be on that page); a gateway
    failure leaves them as they were: Pay expires them before opening another anyway."""
    for row in _open_rows(company_id, invoice_id):
        if _expired_locally(row):
            row.status = EXPIRED
            continue
        gateway = db.session.get(Gateway, row.gateway_id)
        try:
            learn(row, kind(gateway.kind).build().checkout_state(gateway.account_id,
                                                                  row.session_id))
        except GatewayError as failed:
            log.info("Could not read Checkout page %s: %s", row.session_id, failed)
    db.session.commit()


def on_event(event_row: GatewayEvent | int) -> None:
    """After a stored gateway event was processed: a completed session is marked complete and
    the invoice's pages that were open when it was paid are expired (not one opened since, for
    what is left to pay); an expired one is marked expired. Never raises for the gateway's
    sake: open pages also expire on their own within the hour."""
    row = db.session.get(GatewayEvent, event_row) if isinstance(event_row, int) else event_row
    if row is None or row.payload is None:  # a payload dropped after redelivery's window
        return
    provider = kind(row.source).build()
    update = provider.checkout_update(row.payload)
    if update is None or update.status not in (COMPLETE, EXPIRED):
        return
    found = sessions_of(row, update)
    for session in found:
        learn(session, update)
    db.session.commit()
    paid_at = provider.event(row.payload).occurred_at or row.received_at
    for session in found:
        if session.status != COMPLETE:
            continue
        try:
            with invoice_lock(session.company_id, session.invoice_id):
                close_open(session.company_id, session.invoice_id, keep=session.session_id,
                           opened_before=paid_at)
        except TaskLockedException:  # the pay page is closing them this instant
            continue
        except GatewayError as failed:
            db.session.rollback()
            log.warning("Could not expire the other Checkout pages of invoice %s: %s",
                        session.invoice_id, failed)


def sessions_of(row: GatewayEvent, update: CheckoutState) -> list[CheckoutSession]:
    """The pages of the event's account that an update from the gateway is about."""
    return list(db.session.scalars(
        select(CheckoutSession).join(Gateway, Gateway.id == CheckoutSession.gateway_id)
        .where(CheckoutSession.session_id == update.id, Gateway.kind == row.source,
               Gateway.account_id == row.account_id)))


def learn(session: CheckoutSession, state: CheckoutState) -> None:
    """Where the gateway says a page stands; a completed page keeps its payment's id, since
    the completion event that also names it is not kept for ever."""
    session.status = state.status
    if state.status == COMPLETE and state.payment_id:
        session.payment_id = state.payment_id


def not_yet_posted(company_id: int, invoice_id: str, currency: str,
                   ledger_read_at: datetime, places: int | None = None) -> Decimal:
    """What Stripe has taken for the invoice that the ledger read of `ledger_read_at` does not
    show: postings still on their way (not done or ignored), postings done after that read,
    and completed sessions whose payment has no posting yet. `places`: the exponent of the
    gateway the invoice is paid through."""
    total = Decimal(0)
    unsettled = select(Posting).where(
        Posting.company_id == company_id, Posting.kind == "payment",
        or_(Posting.status.not_in([WorkStatus.DONE, WorkStatus.IGNORED]),
            and_(Posting.status == WorkStatus.DONE, Posting.posted_at > ledger_read_at)))
    for posting in db.session.scalars(unsettled):
        share = _share(posting, invoice_id)
        if share is not None:
            total += share
    for session in db.session.scalars(select(CheckoutSession).where(
            CheckoutSession.company_id == company_id, CheckoutSession.invoice_id == invoice_id,
            CheckoutSession.status == COMPLETE)):
        if not _has_posting(session):
            total += money.from_minor(session.amount_minor, session.currency,
                                      _exponent(session.gateway_id, session.currency))
    return total.quantize(Decimal(1).scaleb(-money.exponent(currency, places)))


def _share(posting: Posting, invoice_id: str) -> Decimal | None:
    """The part of a payment Remit asked for this invoice (its checkout metadata); None when
    the payment is not for it."""
    metadata = (posting.payload or {}).get("metadata") or {}
    invoices = [part.strip() for part in str(metadata.get(METADATA_INVOICES, "")).split(",")]
    if invoice_id not in invoices:
        return None
    amounts = str(metadata.get(METADATA_AMOUNTS, "")).split(",")
    try:
        return Decimal(amounts[invoices.index(invoice_id)].strip())
    except (IndexError, InvalidOperation):
        return posting.amount


def _has_posting(session: CheckoutSession) -> bool:
    """Whether the session's payment has a posting (counted above, or in the ledger). Its
    payment is the one the session kept when it was learnt complete, else (a session completed
    before sessions kept it) read from the stored completion event, received after the session
    was opened; without either the payment counts as not posted — at worst for the few seconds
    until the event arrives."""
    if session.payment_id:
        return _payment_posted(session, session.payment_id)
    gateway = db.session.get(Gateway, session.gateway_id)
    provider = kind(gateway.kind).build()
    events = db.session.scalars(select(GatewayEvent).where(
        GatewayEvent.source == gateway.kind,
        GatewayEvent.event_type.in_(sorted(provider.checkout_event_types)),
        GatewayEvent.account_id == gateway.account_id,
        GatewayEvent.received_at >= session.created_at))
    for event in events:
        update = provider.checkout_update(event.payload) if event.payload is not None else None
        if update is None or update.status != COMPLETE or update.id != session.session_id:
            continue
        return _payment_posted(session, update.payment_id)
    return False


def _payment_posted(session: CheckoutSession, payment_id: str | None) -> bool:
    return db.session.scalar(select(Posting.id).where(
        Posting.company_id == session.company_id, Posting.kind == "payment",
        Posting.source_id == payment_id)) is not None


def _exponent(gateway_id: int, currency: str) -> int:
    """The exponent the gateway wrote its amounts in `currency` with."""
    return exponent(db.session.get(Gateway, gateway_id).kind, currency)


def _open_rows(company_id: int, invoice_id: str) -> list[CheckoutSession]:
    return list(db.session.scalars(select(CheckoutSession).where(
        CheckoutSession.company_id == company_id, CheckoutSession.invoice_id == invoice_id,
        CheckoutSession.status == OPEN)))


def _expired_locally(row: CheckoutSession) -> bool:
    return utcnow() >= row.expires_at + EXPIRY_GRACE
