"""What a refund or dispute of a payment Remit never saw is, decided once and made final.

Such an event waits (processing.py): the payment's own events normally come within minutes, in
any order. When it still waits after GRACE, one read of the payment from the gateway says what
it is, as a bookkeeper would sort it:
- it names no Remit gateway of the account (paid before Remit was connected, or through another
  platform sharing the Stripe account): the payment is recorded as unmatched for every company
  on the account, as its own event would have recorded it, and the refund or dispute follows it
  (unmatched: on Activity, never posted); the event is settled;
- it names one of the account's Remit gateways but Remit never recorded it (it predates a
  reconnection, its events were lost): the refund or dispute is claimed for that company and
  waits on Activity with the remedy (PAYMENT_UNRECORDED), the sweep leaves it alone, and the
  event (failed, UNRECORDED) is processed again if the payment's event comes after all.
When the read cannot answer (the gateway unavailable, an id it cannot read), the sweep asks
again at its next run, and after GIVE_UP_AFTER the event is failed, visible, with no more reads
(still processed again if the payment comes after all).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from addon.extensions import db
from addon.models import Gateway, GatewayEvent, Posting, utcnow
from addon.posting import runner
from gateways.base import GatewayError

log = logging.getLogger(__name__)
# Events of one payment arrive out of order but within minutes: only then is the payment read.
GRACE = timedelta(minutes=10)
# A payment the gateway could not be asked about for a day is left to a person.
GIVE_UP_AFTER = timedelta(hours=24)
PAYMENT_UNRECORDED = "payment_unrecorded"
UNRECORDED = "Unrecorded payment: "
GAVE_UP_WAITING = "Gave up waiting for payment "
WOKEN_WHEN_FOUND = (UNRECORDED, GAVE_UP_WAITING)  # failed events a late payment still wakes
UNRECORDED_REASON = ("Payment {payment_id} was made through this Stripe account's Remit "
                     "checkout, but Remit never recorded it (it may predate a reconnection). "
                     "Record the payment in the ledger yourself, then this by hand; or resend "
                     "the payment's events from Stripe's dashboard so Remit records both.")
GAVE_UP = (GAVE_UP_WAITING + "{payments}: Stripe could not be asked about it for "
           "{hours} hours.")


def due(row: GatewayEvent) -> bool:
    """The payment's own events had their time to arrive."""
    return row.received_at <= utcnow() - GRACE


def expired(row: GatewayEvent) -> bool:
    return row.received_at <= utcnow() - GIVE_UP_AFTER


def gave_up(payment_ids: list[str]) -> str:
    return GAVE_UP.format(payments=", ".join(payment_ids),
                          hours=int(GIVE_UP_AFTER.total_seconds() // 3600))


def look_up(row: GatewayEvent, provider, payment_ids: list[str]) -> dict[str, Gateway]:
    """Read each unknown payment once: record the ones naming no Remit gateway as unmatched
    (runner.claim_postings, as their own event would); return the Remit gateway each other one
    names. A payment the gateway cannot tell about is left out (the event keeps waiting)."""
    named: dict[str, Gateway] = {}
    for payment_id in dict.fromkeys(payment_ids):
        try:
            payment = provider.payment(row.account_id, payment_id)
        except (GatewayError, ValueError) as unreadable:
            log.info("event %s: payment %s could not be read (%s)", row.event_id, payment_id,
                     type(unreadable).__name__)
            continue
        if payment is None or payment.account_id != row.account_id:
            continue
        gateway = runner._named_gateway(row.source, payment)
        if gateway is None:
            runner.claim_postings(row, [payment])
        else:
            named[payment_id] = gateway
    return named


def mark_unrecorded(posting: Posting, payment_id: str) -> None:
    """A new posting that follows a payment Remit never recorded: waiting, in words."""
    posting.error = UNRECORDED_REASON.format(payment_id=payment_id)
    posting.payload = {**(posting.payload or {}),
                       "waiting": {"code": PAYMENT_UNRECORDED, "payment_id": payment_id},
                       "waiting_for": []}
    db.session.commit()


def unrecorded(posting: Posting) -> bool:
    """Waits for a payment Remit never recorded: nothing to try until that payment comes."""
    return ((posting.payload or {}).get("waiting") or {}).get("code") == PAYMENT_UNRECORDED


def still_unrecorded(posting: Posting) -> bool:
    """For the sweep: waits for a payment Remit has still not recorded (skip it). A payment
    recorded meanwhile (its event woke the refund's while this one was being decided) makes
    the posting an ordinary one again, to be tried."""
    if not unrecorded(posting):
        return False
    payment_id = posting.payload["waiting"].get("payment_id")
    if db.session.scalar(select(Posting.id).where(Posting.kind == "payment",
                                                  Posting.source_id == payment_id)) is None:
        return True
    found(posting)
    return False


def found(posting: Posting) -> None:
    """The payment came after all: the posting is an ordinary one again."""
    if unrecorded(posting):
        posting.error = None
        posting.payload = {k: v for k, v in posting.payload.items()
                           if k not in ("waiting", "waiting_for")}
        db.session.commit()
