"""From a stored gateway event to a ledger payment, exactly once.

The posting row (unique per company, kind and source payment) is claimed before any ledger call;
the ledger write carries an idempotency key derived from the same source, so duplicate or
concurrent deliveries, a crash between the ledger's answer and our commit, and retries all end
with one payment in the ledger.
"""

from __future__ import annotations

import logging
from datetime import date

from huey.exceptions import RetryTask
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from addon import money
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
    """Write one claimed posting to the ledger (the task body); idempotent."""
    posting = db.session.get(Posting, posting_id, with_for_update=True)
    if posting is None or posting.status in (WorkStatus.DONE, WorkStatus.IGNORED):
        return posting.status if posting else WorkStatus.IGNORED
    gateway = db.session.get(Gateway, posting.gateway_id)
    company = gateway.company
    if company.status is not ConnectionStatus.ACTIVE:
        return _finish(posting, WorkStatus.PENDING, WAITING_FOR_RECONNECT)
    posting.attempts += 1
    db.session.commit()  # hold no transaction across ledger calls (the token keeper writes too)
    try:
        connector = connector_for(company)
        planned = _plan(posting, gateway, connector)
        written = connector.record_payment(planned)
    except AuthError:
        db.session.rollback()
        return _finish(posting, WorkStatus.PENDING, WAITING_FOR_RECONNECT)
    except RateLimited as throttled:
        _finish(posting, WorkStatus.PENDING, str(throttled))
        raise RetryTask(delay=throttled.retry_after or 60) from None
    except VendorUnavailable as down:
        _finish(posting, WorkStatus.PENDING, str(down))
        raise  # the queue retries with backoff
    except (Rejected, engine.PostingRefused) as refused:
        detail = getattr(refused, "detail", "") or str(refused)
        if getattr(refused, "transient", False):  # e.g. QuickBooks' stale object: try again
            _finish(posting, WorkStatus.PENDING, detail)
            raise RetryTask(delay=5) from None
        return _finish(posting, WorkStatus.FAILED, detail)
    posting.ledger_object_id = ",".join(written.object_ids)
    posting.posted_at = utcnow()
    return _finish(posting, WorkStatus.DONE, None)


def _plan(posting: Posting, gateway: Gateway, connector: Connector):
    """Re-validate the mapped accounts just before writing (one read) and read each invoice
    (one read each): its balance due decides what is applied and what stays as credit, its
    customer and rate fill what the payment does not say."""
    payment = engine.Payment(**{k: v for k, v in posting.payload.items()
                                if k not in ("paid_on", "split")})
    row = db.session.scalar(select(GatewayCurrency).where(
        GatewayCurrency.gateway_id == gateway.id, GatewayCurrency.currency == posting.currency))
    mapping = (engine.Mapping(row.deposit_account_id, row.receivable_account_id)
               if row is not None else None)
    if mapping is not None:
        _check_accounts(connector, mapping, posting.currency)
    applied = engine.applications(payment)
    invoices = [connector.invoice(a.invoice_id) for a in applied]
    for invoice in invoices:
        if invoice.currency != posting.currency:
            raise engine.PostingRefused(f"Invoice {invoice.number} is in "
                                        f"{invoice.currency}, the payment in "
                                        f"{posting.currency}.")
    customer = payment.metadata.get(METADATA_CUSTOMER) or invoices[0].customer_id
    balances = {a.invoice_id: invoice.balance for a, invoice in zip(applied, invoices,
                                                                    strict=True)}
    landing = _landing(posting, payment, balances)
    return engine.payment_posting(
        company_id=gateway.company_id, home_currency=gateway.company.home_currency,
        payment=payment, mapping=mapping, customer_id=customer,
        paid_on=date.fromisoformat(posting.payload["paid_on"]),
        exchange_rate=invoices[0].exchange_rate, landing=landing,
    )


def _landing(posting: Posting, payment: engine.Payment, balances: dict) -> engine.Split:
    """The split decided at this generation's first attempt, else one decided now from the
    balances just read, stored (and committed) before the write. After a crash that followed
    our own successful write, the invoice already shows our payment: recomputing would turn it
    into credit and send another request under the same key, so the stored split is reused
    and the ledger replays its original answer. A new generation (after a definitive refusal)
    decides afresh."""
    stored = (posting.payload or {}).get("split")
    if stored and stored.get("generation") == posting.generation:
        return engine.Split.from_payload(stored, posting.currency)
    landing = engine.split(payment, balances)
    posting.payload = {**posting.payload, "split": {
        "generation": posting.generation, **landing.as_payload(posting.currency)}}
    posting.credit_minor = money.to_minor(landing.credit, posting.currency) or None
    db.session.commit()
    return landing


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

