"""From a stored gateway event to a ledger payment, exactly once.

The posting row (unique per company, kind and source payment) is claimed before any ledger call;
the ledger write carries an idempotency key derived from the same source (and the posting's
attempt generation), so duplicate or concurrent deliveries, a crash between the ledger's answer
and our commit, and retries all end with one payment in the ledger.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import date

from huey.exceptions import RetryTask
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from addon.extensions import db
from addon.ledger import connector_for
from addon.models import (
    ConnectionStatus,
    Gateway,
    GatewayCurrency,
    GatewayEvent,
    GatewayStatus,
    Posting,
    WorkStatus,
    utcnow,
)
from addon.posting import engine
from connectors.base import AuthError, Connector, RateLimited, Rejected, VendorUnavailable
from gateways.base import METADATA_CUSTOMER

log = logging.getLogger(__name__)
WAITING_FOR_RECONNECT = "Waiting for the ledger to be reconnected."
# Postings no attempt touches again, and the outcome logged when one is asked for.
SETTLED = {WorkStatus.DONE: "already-posted", WorkStatus.IGNORED: "ignored",
           WorkStatus.UNMATCHED: "unmatched"}


def claim_postings(row: GatewayEvent, movements) -> list[Posting]:
    """One posting row per payment movement of an event, created once whatever the deliveries."""
    claimed = []
    for movement in movements:
        gateway = _gateway_for(row.source, movement.account_id, movement.livemode)
        if gateway is None or movement.kind != "payment":
            continue
        claimed.append(_claim(gateway, row, movement))
    return claimed


def _claim(gateway: Gateway, row: GatewayEvent, movement) -> Posting:
    key = engine.idempotency_key(gateway.company_id, "payment", movement.source_id)
    existing = _posting(gateway.company_id, movement.source_id)
    if existing is not None:
        return existing
    posting = Posting(company_id=gateway.company_id, gateway_id=gateway.id, event_id=row.id,
                      kind="payment", source_id=movement.source_id,
                      amount_minor=movement.amount_minor, currency=movement.currency.upper(),
                      status=WorkStatus.PENDING, idempotency_key=key)
    try:
        with db.session.begin_nested():
            db.session.add(posting)
    except IntegrityError:  # a concurrent delivery claimed it first
        return _posting(gateway.company_id, movement.source_id)
    posting.payload = _payment_of(movement)
    db.session.commit()
    return posting


def post(posting_id: int) -> WorkStatus:
    """Write one claimed posting to the ledger (the task body); idempotent.

    Network trouble (timeouts, 5xx, 429, expired grants, a crash after the write) retries with
    the same idempotency key, so the ledger answers with the payment it may already have made.
    A definitive refusal of the write spends the key (the ledger would answer it with the same
    refusal for ever): the posting moves to its next attempt generation, hence a new key."""
    posting = db.session.get(Posting, posting_id, with_for_update=True)
    if posting is None:
        log.info("posting %s: outcome=missing", posting_id)
        return WorkStatus.IGNORED
    if posting.status in SETTLED:
        _log_outcome(posting, SETTLED[posting.status])
        db.session.commit()
        return posting.status
    gateway = db.session.get(Gateway, posting.gateway_id)
    company = gateway.company
    if company.status is not ConnectionStatus.ACTIVE:
        return _outcome(posting, WorkStatus.PENDING, WAITING_FOR_RECONNECT, "waiting")
    posting.attempts += 1
    db.session.commit()  # hold no transaction across ledger calls (the token keeper writes too)
    writing = False
    try:
        connector = connector_for(company)
        planned = _plan(posting, gateway, connector)
        # The stored key is the current generation's; _plan derives generation 1's.
        planned = dataclasses.replace(planned, idempotency_key=posting.idempotency_key)
        writing = True
        written = connector.record_payment(planned)
    except AuthError:
        db.session.rollback()
        return _outcome(posting, WorkStatus.PENDING, WAITING_FOR_RECONNECT, "waiting")
    except RateLimited as throttled:
        _outcome(posting, WorkStatus.PENDING, str(throttled), "throttled")
        raise RetryTask(delay=throttled.retry_after or 60) from None
    except VendorUnavailable as down:
        _outcome(posting, WorkStatus.PENDING, str(down), "unavailable")
        raise  # the queue retries with backoff
    except (Rejected, engine.PostingRefused) as refused:
        detail = getattr(refused, "detail", "") or str(refused)
        code = getattr(refused, "code", None)
        spent = writing and isinstance(refused, Rejected) and not refused.may_have_written
        if getattr(refused, "transient", False):  # e.g. QuickBooks' stale object: try again
            _outcome(posting, WorkStatus.PENDING, detail, "stale", code, spent)
            raise RetryTask(delay=5) from None
        return _outcome(posting, WorkStatus.FAILED, detail, "refused", code, spent)
    posting.ledger_object_id = ",".join(written.object_ids)
    posting.posted_at = utcnow()
    return _outcome(posting, WorkStatus.DONE, None, "posted")


def _plan(posting: Posting, gateway: Gateway, connector: Connector):
    """Re-validate the mapped accounts just before writing (one read), and read the invoices
    only when needed: for a foreign currency's rate, or when the payment names no customer."""
    payment = engine.Payment(**{k: v for k, v in posting.payload.items() if k != "paid_on"})
    row = db.session.scalar(select(GatewayCurrency).where(
        GatewayCurrency.gateway_id == gateway.id, GatewayCurrency.currency == posting.currency))
    mapping = (engine.Mapping(row.deposit_account_id, row.receivable_account_id)
               if row is not None else None)
    if mapping is not None:
        _check_accounts(connector, mapping, posting.currency)
    applied = engine.applications(payment)
    customer = payment.metadata.get(METADATA_CUSTOMER)
    rate = None
    if posting.currency != gateway.company.home_currency or not customer:
        invoices = [connector.invoice(a.invoice_id) for a in applied]
        # No "amount <= balance due" check: after a crash that followed a successful write the
        # invoice already shows this payment, and the retry must still reach the ledger, which
        # returns the original payment for the same key (and refuses real overpayments).
        for invoice in invoices:
            if invoice.currency != posting.currency:
                raise engine.PostingRefused(f"Invoice {invoice.number} is in "
                                            f"{invoice.currency}, the payment in "
                                            f"{posting.currency}.")
        customer, rate = customer or invoices[0].customer_id, invoices[0].exchange_rate
    return engine.payment_posting(
        company_id=gateway.company_id, home_currency=gateway.company.home_currency,
        payment=payment, mapping=mapping, customer_id=customer,
        paid_on=date.fromisoformat(posting.payload["paid_on"]), exchange_rate=rate,
    )


def _check_accounts(connector: Connector, mapping: engine.Mapping, currency: str) -> None:
    roles = {"deposit": mapping.deposit_account_id}
    if mapping.receivable_account_id:
        roles["receivable"] = mapping.receivable_account_id
    found = connector.accounts_by_id(list(roles.values()))
    for role, account_id in roles.items():
        account = found.get(account_id)
        if account is None or not account.active:
            raise engine.PostingRefused(f"The {role} account {account_id} no longer exists or "
                                        "is inactive in the ledger. Edit the gateway's accounts.")
        if account.currency and account.currency != currency:
            raise engine.PostingRefused(f"The {role} account {account.name} is in "
                                        f"{account.currency}, not {currency}.")


def _outcome(posting: Posting, status: WorkStatus, error: str | None, outcome: str,
             code: str | None = None, key_spent: bool = False) -> WorkStatus:
    """Log one attempt's outcome, move to the next generation when the ledger refused the
    key, and store the result."""
    _log_outcome(posting, outcome, code)
    if key_spent:
        _next_generation(posting)
    return _finish(posting, status, error)


def _next_generation(posting: Posting) -> None:
    """A new attempt generation and its key (generation 1's key is the engine's original)."""
    posting.generation = (posting.generation or 1) + 1
    posting.idempotency_key = engine.idempotency_key(posting.company_id, posting.kind,
                                                     posting.source_id, posting.generation)


def _log_outcome(posting: Posting, outcome: str, code: str | None = None) -> None:
    """One line per attempt, ids and codes only: never a token, an error text or an amount
    a vendor echoed back."""
    log.info("posting %s company %s kind %s generation %s: outcome=%s code=%s", posting.id,
             posting.company_id, posting.kind, posting.generation, outcome, code or "-")


def _finish(posting: Posting, status: WorkStatus, error: str | None) -> WorkStatus:
    posting.status, posting.error = status, error
    db.session.commit()
    return status


def _payment_of(movement) -> dict:
    return {"source_id": movement.source_id, "charge_id": movement.charge_id,
            "account_id": movement.account_id, "currency": movement.currency.upper(),
            "amount_minor": movement.amount_minor, "metadata": dict(movement.metadata),
            "paid_on": movement.occurred_at.date().isoformat()}


def _gateway_for(kind: str, account_id: str, livemode: bool) -> Gateway | None:
    return db.session.scalar(select(Gateway).where(
        Gateway.kind == kind, Gateway.account_id == account_id, Gateway.livemode == livemode,
        Gateway.status == GatewayStatus.ACTIVE))


def _posting(company_id: int, source_id: str) -> Posting | None:
    return db.session.scalar(select(Posting).where(
        Posting.company_id == company_id, Posting.kind == "payment",
        Posting.source_id == source_id))

