"""Background tasks (Huey). Each runs in an app context and retries with backoff.

The database is the source of truth; these only do work it describes.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from huey import crontab
from huey.exceptions import RetryTask
from sqlalchemy import select

from addon.accounts import refresh_ledger
from addon.extensions import db
from addon.models import (
    Company,
    ConnectionStatus,
    GatewayEvent,
    PlatformConnection,
    Posting,
    WorkStatus,
    utcnow,
)
from addon.pay import sessions as checkout_sessions
from addon.posting import backlog, limits, unknown_payments
from addon.posting.runner import post
from addon.posting.writers import followups
from addon.queue import app_periodic_task, app_task, held
from addon.webhooks import retention
from addon.webhooks.processing import process_event, waiting_for_payments
from connectors.base import RateLimited

log = logging.getLogger(__name__)
# Ledger attempts (each task try, throttles and outages included) after which the sweep stops
# re-enqueuing a pending posting and marks it failed. One task backs off through 7 tries over
# about 10 minutes, so this is about three sweeps' worth: an outage of the better part of an
# hour, not a payment retried for ever.
SWEEP_MAX_ATTEMPTS = 24
GAVE_UP = ("The ledger did not confirm this after {attempts} attempts (it was "
           "unavailable or busy). Press Retry to try again: it cannot be recorded twice.")


@app_task()
def refresh_ledger_task(company_id: int) -> bool:
    """Re-read one company's currencies and chart of accounts into the cache; while the
    ledger asked every process to wait, try again when it said rather than on the backoff."""
    try:
        return refresh_ledger(company_id)
    except RateLimited as wait:
        db.session.rollback()
        raise RetryTask(delay=wait.retry_after or limits.WINDOW_SECONDS) from None


@app_task()
def process_event_task(event_row_id: int) -> str:
    """Apply one stored gateway event; a redelivered or already-done event changes nothing."""
    status, to_post = process_event(event_row_id)
    checkout_sessions.on_event(event_row_id)
    for posting_id in to_post:
        post_task(posting_id)
    for waiting_id in waiting_for_payments(event_row_id):  # refunds, fees... seen too early
        process_event_task(waiting_id)
    return status.value


@app_task()
def post_task(posting_id: int) -> str:
    """Write one posting of any kind (payment, fee, refund, dispute step, payout, reversal) to
    the ledger within the company's call budget; while the ledger asked to wait (its
    Retry-After, shared by every worker) nothing is tried and no attempt counted; outages back
    off. Once the lock is released, what it woke (postings that waited for it) or still waits
    for and nobody tried yet is enqueued."""
    posting = db.session.get(Posting, posting_id)
    if posting is None:
        return WorkStatus.IGNORED.value
    company = db.session.get(Company, posting.company_id)
    wait = limits.wait_left(company)
    if wait is not None:  # the ledger asked every worker to wait: try when it said, not before
        db.session.rollback()
        raise RetryTask(delay=wait)
    with held(limits.one_at_a_time(company)):  # another worker's write: wait, then retry
        status = post(posting_id)
    db.session.expire_all()
    for next_id in followups(db.session.get(Posting, posting_id)):
        post_task(next_id)
    if status is WorkStatus.DONE:  # the ledger answers: what an outage left waits no longer
        for waiting_id in backlog.to_wake(company):
            if waiting_id != posting_id:
                post_task(waiting_id)
    return status.value


post_payment_task = post_task  # the name callers knew when only payments were posted


@app_periodic_task(crontab(minute="*/5"))
def sweep_pending_events() -> int:
    """The database is the source of truth: events a lost queue or a killed worker left
    pending are enqueued again (processing is idempotent); a posting that used up
    SWEEP_MAX_ATTEMPTS is failed instead, for a person to retry. An event still waiting for
    its payment after unknown_payments.GRACE is settled by one read of that payment (unmatched,
    or left waiting visibly), so no event is swept for ever; postings waiting for a payment
    Remit never recorded are not tried until that payment comes."""
    stale = utcnow() - timedelta(minutes=2)
    query = select(GatewayEvent.id).where(GatewayEvent.status == WorkStatus.PENDING,
                                          GatewayEvent.received_at < stale)
    event_ids = list(db.session.scalars(query))
    for event_id in event_ids:
        process_event_task(event_id)
    postings = select(Posting).where(Posting.status == WorkStatus.PENDING,
                                     Posting.updated_at < stale)
    posting_ids = []
    for posting in db.session.scalars(postings).all():
        if unknown_payments.still_unrecorded(posting):
            continue  # nothing can change until the payment's event (which wakes it)
        if posting.attempts >= SWEEP_MAX_ATTEMPTS:
            _give_up(posting)
        else:  # including those waiting for a reconnection or another posting (no attempt)
            posting_ids.append(posting.id)
    db.session.commit()
    for posting_id in posting_ids:
        post_task(posting_id)
    return len(event_ids) + len(posting_ids)


def _give_up(posting: Posting) -> None:
    """Stop retrying a posting the ledger never answered: failed, with Retry on Activity (which
    starts a fresh set of attempts under the same key, so nothing can post twice)."""
    posting.status = WorkStatus.FAILED
    posting.error = GAVE_UP.format(attempts=posting.attempts)
    log.warning("posting %s company %s kind %s generation %s: outcome=gave-up attempts=%s",
                posting.id, posting.company_id, posting.kind, posting.generation,
                posting.attempts)


@app_periodic_task(crontab(minute="17", hour="*/6"))
def refresh_all_ledgers() -> int:
    """Keep every connected company's cache fresh; the calls also keep refresh tokens alive."""
    query = (select(Company.id).join(PlatformConnection)
             .where(Company.disconnected_at.is_(None),
                    PlatformConnection.status == ConnectionStatus.ACTIVE))
    company_ids = list(db.session.scalars(query))
    for company_id in company_ids:
        refresh_ledger_task(company_id)
    return len(company_ids)


@app_periodic_task(crontab(minute="41", hour="3"))
def drop_old_event_payloads() -> int:
    """Once a day: payloads of events finished longer ago than the gateway redelivers them
    are dropped; the rows stay, so a late redelivery is still answered as a duplicate."""
    return retention.drop_old_payloads()
