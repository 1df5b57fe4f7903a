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
from decimal import Decimal

from huey.exceptions import RetryTask
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from addon import money
from addon.auth import grants
from addon.extensions import db
from addon.gateways.registry import kind as gateway_kind
from addon.ledger import RULES, connector_for
from addon.models import (
    Company,
    ConnectionStatus,
    Gateway,
    GatewayEvent,
    GatewayStatus,
    Posting,
    WorkStatus,
    utcnow,
)
from addon.ops import metrics
from addon.posting import engine, refusals, roles, settlement, waiting, writers
from addon.posting.waiting import NothingToWrite, Waiting
from connectors.base import (
    AuthError,
    Connector,
    RateLimited,
    Rejected,
    ScopeMissing,
    VendorUnavailable,
)
from gateways.base import (
    METADATA_COMPANY,
    METADATA_CUSTOMER,
    METADATA_GATEWAY,
    GatewayAuthError,
    GatewayRateLimited,
    GatewayRejected,
    GatewayUnavailable,
)

log = logging.getLogger(__name__)
WAITING_FOR_RECONNECT = "Waiting for the ledger to be reconnected."
WAITING_FOR_GATEWAY = "Waiting for the Stripe account to be reconnected."
# Kept in a posting's payload for the Activity page: the ledger object type its ids are, and
# each invoice a payment named as the ledger showed it when read ([id, number, customer name]).
OBJECT_TYPE_KEY = "ledger_object_type"
INVOICES_READ_KEY = "invoices_read"
# Postings no attempt touches again, and the outcome logged when one is asked for.
SETTLED = {WorkStatus.DONE: "already-posted", WorkStatus.IGNORED: "ignored",
           WorkStatus.UNMATCHED: "unmatched"}
# A payment's payload flag: the bookkeeper chose to keep all of it as the customer's credit
# (its invoices cannot take it), so no invoice is read or applied.
AS_CREDIT = "as_credit"
# Payload keys the posting's state adds beside the gateway payment's own fields.
_STATE_KEYS = ("paid_on", "split", "settlement", "waiting", "waiting_for", "refusal",
               AS_CREDIT, "ignored_from", INVOICES_READ_KEY, OBJECT_TYPE_KEY)


def claim_postings(row: GatewayEvent, movements) -> list[Posting]:
    """One posting row per payment movement and company, created once whatever the deliveries.

    A payment goes only to the gateway it names (Checkout metadata), and only when that
    gateway's kind, account, mode and company match the event's: several companies may share
    one Stripe account, and a payment is never guessed onto one of them. A payment naming no
    such gateway (a shop sale, a Payment Link, another system's checkout) is recorded as
    unmatched for every company collecting through that account: shown, never posted."""
    claimed = []
    for movement in movements:
        if movement.kind != "payment":
            continue
        gateway = _named_gateway(row.source, movement)
        if gateway is not None:
            claimed.append(_claim(gateway, row, movement))
            _drop_unmatched_elsewhere(gateway, movement)
            continue
        claimed.extend(_claim_unmatched(row, movement))
    return claimed


def _claim_unmatched(row: GatewayEvent, movement) -> list[Posting]:
    """Unmatched rows for each company on the account, unless an event naming its gateway
    already made the payment one company's (events arrive in any order)."""
    matched = db.session.scalar(select(Posting).where(
        Posting.kind == "payment", Posting.source_id == movement.source_id,
        Posting.status != WorkStatus.UNMATCHED))
    if matched is not None:
        return [matched]
    return [_claim(gateway, row, movement, WorkStatus.UNMATCHED)
            for gateway in _gateways_on_account(row.source, movement)]


def _claim(gateway: Gateway, row: GatewayEvent, movement,
           status: WorkStatus = WorkStatus.PENDING) -> Posting:
    key = engine.idempotency_key(gateway.company_id, "payment", movement.source_id)
    existing = _posting(gateway.company_id, movement.source_id)
    if existing is not None:
        return _matched_later(existing, gateway, movement, status)
    posting = Posting(company_id=gateway.company_id, gateway_id=gateway.id, event_id=row.id,
                      kind="payment", source_id=movement.source_id,
                      amount_minor=movement.amount_minor, currency=movement.currency.upper(),
                      status=status, idempotency_key=key)
    try:
        with db.session.begin_nested():
            db.session.add(posting)
    except IntegrityError:  # a concurrent delivery claimed it first
        return _posting(gateway.company_id, movement.source_id)
    posting.payload = _payment_of(movement)
    db.session.commit()
    return posting


def _matched_later(existing: Posting, gateway: Gateway, movement,
                   status: WorkStatus) -> Posting:
    """An event of the payment that carried no metadata made it unmatched; a later event of
    the same payment naming this company's gateway makes it a payment to post."""
    if existing.status is WorkStatus.UNMATCHED and status is WorkStatus.PENDING:
        existing.gateway_id, existing.payload = gateway.id, _payment_of(movement)
        existing.status = WorkStatus.PENDING
        db.session.commit()
    return existing


def post(posting_id: int) -> WorkStatus:
    """Write one claimed posting of any kind to the ledger (the task body); idempotent.

    Network trouble (timeouts, 5xx, 429, expired grants, a crash after the write) retries with
    the same idempotency key, so the ledger answers with the payment it may already have made.
    A definitive refusal of the write spends the key (the ledger would answer it with the same
    refusal for ever): the posting moves to its next attempt generation, hence a new key.
    A posting that cannot be written yet (writers.py, settlement.py) waits without counting an
    attempt."""
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
    try:
        terms = _prepare(posting, gateway)
        grants.require(company, posting.kind)  # a scope the grant lacks: wait, call nothing
    except Waiting as reason:
        db.session.rollback()
        return _wait(posting_id, reason)
    except NothingToWrite as settled:
        return _outcome(posting, settled.status, str(settled), "nothing-to-write")
    except GatewayAuthError:
        db.session.rollback()
        return _outcome(posting, WorkStatus.PENDING, WAITING_FOR_GATEWAY, "waiting")
    except GatewayRateLimited as throttled:
        posting.attempts += 1
        _outcome(posting, WorkStatus.PENDING, str(throttled), "gateway-throttled")
        raise RetryTask(delay=throttled.retry_after or 60) from None
    except GatewayUnavailable as down:
        posting.attempts += 1
        _outcome(posting, WorkStatus.PENDING, str(down), "gateway-unavailable")
        raise
    except (GatewayRejected, engine.PostingRefused) as refused:
        detail = getattr(refused, "detail", "") or str(refused)
        _keep_refusal(posting, refused, refusals.STEP_PREPARE)
        return _outcome(posting, WorkStatus.FAILED, detail, "refused",
                        getattr(refused, "code", None) or None)
    waiting.clear(posting)
    posting.attempts += 1
    db.session.commit()  # hold no transaction across ledger calls (the token keeper writes too)
    writing = False
    try:
        connector = connector_for(company)
        if posting.kind == "payment":
            method, planned = "record_payment", _plan(posting, gateway, connector, terms)
        else:
            method, planned = writers.BUILD[posting.kind](posting, gateway, connector)
        # The stored key is the current generation's; the builders derive generation 1's.
        planned = dataclasses.replace(planned, idempotency_key=posting.idempotency_key)
        writing = True
        written = getattr(connector, method)(planned)  # each call counted by the budget
    except ScopeMissing as refused:  # the grant lives: only what needs the scope waits
        db.session.rollback()
        return _wait(posting_id, grants.refused(company, refused.scopes, posting.kind))
    except AuthError:
        db.session.rollback()
        return _outcome(posting, WorkStatus.PENDING, WAITING_FOR_RECONNECT, "waiting")
    except RateLimited as throttled:  # counted (and the company paused) by the budget
        posting.attempts -= 1  # a wait the ledger asked for, not a failed attempt
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
        step = getattr(refused, "step", None) or (refusals.STEP_WRITE if writing
                                                  else refusals.STEP_PREPARE)
        _keep_refusal(posting, refused, step)
        return _outcome(posting, WorkStatus.FAILED, detail, "refused", code, spent)
    posting.ledger_object_id = ",".join(written.object_ids)
    # Which of the ledger's objects the ids are (Activity links each to its page).
    posting.payload = {**(posting.payload or {}), OBJECT_TYPE_KEY: written.object_type}
    posting.posted_at = utcnow()
    metrics.posted_after(_received_at(posting))
    return _outcome(posting, WorkStatus.DONE, None, "posted")


def _wait(posting_id: int, reason: Waiting) -> WorkStatus:
    posting = db.session.get(Posting, posting_id)
    waiting.mark(posting, reason)
    _log_outcome(posting, "waiting", reason.code)
    db.session.commit()
    return WorkStatus.PENDING


def _prepare(posting: Posting, gateway: Gateway) -> settlement.Terms | None:
    """What must hold before an attempt counts (Waiting, NothingToWrite), reading from the
    gateway only what the stored payload lacks."""
    if posting.kind == "payment":
        return settlement.payment_terms(posting, gateway)
    prepare = writers.PREPARE.get(posting.kind)
    if prepare is None:
        raise NothingToWrite(f"Remit does not record {posting.kind} postings.",
                             WorkStatus.IGNORED)
    prepare(posting, gateway, gateway_kind(gateway.kind).build())
    return None


def _plan(posting: Posting, gateway: Gateway, connector: Connector,
          terms: settlement.Terms | None = None):
    """Parse what the payment names first (a malformed one fails with no ledger call), then
    re-validate the mapped accounts just before writing (one read) and read each invoice (one
    read each): its balance due decides what is applied and what stays as credit, its customer
    and rate fill what the payment does not say. `terms` (settlement.py) may send the money
    to the clearing account of the currency Stripe settled in, at Stripe's rate."""
    terms = terms or settlement.Terms(posting.currency)
    payment = engine.Payment(**{k: v for k, v in posting.payload.items()
                                if k not in _STATE_KEYS},
                             exponent=gateway_kind(gateway.kind).exponent(posting.currency))
    applied = engine.applications(payment)
    row = roles.row(gateway, posting.currency)
    mapping = None
    if row is not None:
        deposit = (row.deposit_account_id if terms.deposit_currency == posting.currency
                   else roles.account(gateway, terms.deposit_currency, "deposit"))
        mapping = engine.Mapping(deposit, row.receivable_account_id)
        _check_accounts(connector, gateway.company, mapping, posting.currency,
                        terms.deposit_currency)
    as_credit = bool(posting.payload.get(AS_CREDIT))
    invoices = [] if as_credit else _invoices(connector, applied)
    if invoices:
        posting.payload = {**posting.payload, INVOICES_READ_KEY: [
            [invoice.id, invoice.number, invoice.customer_name] for invoice in invoices]}
    for invoice in invoices:
        if invoice.status == "draft":  # the ledger takes no payment before approval
            raise engine.PostingRefused(f"Invoice {invoice.number} is not approved yet: "
                                        f"approve it, then Retry.")
        if invoice.currency != posting.currency:
            raise engine.PostingRefused(f"Invoice {invoice.number} is in "
                                        f"{invoice.currency}, the payment in "
                                        f"{posting.currency}.")
    customer = payment.metadata.get(METADATA_CUSTOMER) or (
        invoices[0].customer_id if invoices else None)
    if not customer:
        raise engine.PostingRefused("The payment names no customer to keep the credit for.")
    # Kept as credit: as if no invoice had anything left to pay, so the split credits it all.
    balances = ({a.invoice_id: invoice.balance for a, invoice in zip(applied, invoices,
                                                                     strict=True)}
                if invoices else {a.invoice_id: Decimal(0) for a in applied})
    landing = _landing(posting, payment, balances)
    label = gateway_kind(gateway.kind).build().payment_label(
        source_id=payment.source_id, charge_id=payment.charge_id, account_id=payment.account_id)
    return engine.payment_posting(
        company_id=gateway.company_id, home_currency=gateway.company.home_currency,
        payment=payment, mapping=mapping, customer_id=customer, label=label,
        paid_on=date.fromisoformat(posting.payload["paid_on"]),
        exchange_rate=terms.exchange_rate or (
            invoices[0].exchange_rate if invoices
            else _credit_rate(connector, applied) if as_credit else None),
        landing=landing,
        reference_limit=gateway.company.ledger.reference_limit,
        settled_amount=terms.settled_amount,
    )


def _credit_rate(connector: Connector, applied) -> Decimal | None:
    """A payment kept whole as credit takes no invoice, but a foreign one Stripe did not
    convert still needs the ledger's rate: the first named invoice that can still be read
    (a voided one can; a deleted one cannot, and then the payment waits for a rate)."""
    for application in applied:
        try:
            return connector.invoice(application.invoice_id).exchange_rate
        except Rejected:
            continue
    return None


def _invoices(connector: Connector, applied) -> list:
    """Each invoice the payment names, read now; a refusal says it was about an invoice."""
    try:
        return [connector.invoice(a.invoice_id) for a in applied]
    except Rejected as refused:
        refused.step = refusals.STEP_INVOICE
        raise


def _landing(posting: Posting, payment: engine.Payment, balances: dict) -> engine.Split:
    """The split decided at this generation's first attempt, else one decided now from the
    balances just read, stored (and committed) before the write. After a crash that followed
    our own successful write, the invoice already shows our payment: recomputing would turn it
    into credit and send another request under the same key, so the stored split is reused
    and the ledger replays its original answer. A new generation (after a definitive refusal)
    decides afresh."""
    stored = (posting.payload or {}).get("split")
    if stored and stored.get("generation") == posting.generation:
        return engine.Split.from_payload(stored, posting.currency, payment.exponent)
    landing = engine.split(payment, balances)
    posting.payload = {**posting.payload, "split": {
        "generation": posting.generation,
        **landing.as_payload(posting.currency, payment.exponent)}}
    posting.credit_minor = money.to_minor(landing.credit, posting.currency,
                                          payment.exponent) or None
    db.session.commit()
    return landing


def _check_accounts(connector: Connector, company: Company, mapping: engine.Mapping,
                    currency: str, deposit_currency: str | None = None) -> None:
    """The mapped accounts, read live, must still play their role for this currency by the
    platform's own rules (the same ones the set-up page offered them by): Xero's single
    receivable account, say, is reported in the base currency yet takes every currency."""
    rules = RULES[company.platform]
    deposit_currency = deposit_currency or currency
    checks = {"deposit": (mapping.deposit_account_id, rules.is_deposit, deposit_currency)}
    if mapping.receivable_account_id:
        checks["receivable"] = (mapping.receivable_account_id, rules.is_receivable, currency)
    found = connector.accounts_by_id([account_id for account_id, _r, _c in checks.values()])
    for role, (account_id, fits, in_currency) in checks.items():
        account = found.get(account_id)
        if account is None or not account.active:
            raise engine.PostingRefused(f"The {role} account {account_id} no longer exists or "
                                        "is inactive in the ledger. Edit the gateway's accounts.")
        if not fits(account, in_currency):
            raise engine.PostingRefused(f"The {role} account {account.name} can no longer take "
                                        f"{in_currency} payments (is it still in "
                                        f"{in_currency}?). Edit the gateway's accounts.")


def _keep_refusal(posting: Posting, refused: Exception, step: str) -> None:
    """What Activity needs to word a refusal and offer its remedies (refusals.py): where it
    happened, the ledger's code and its words (connectors keep secrets out of them), and
    whether the ledger may have written all the same."""
    posting.payload = {**(posting.payload or {}), "refusal": {
        "step": step, "code": getattr(refused, "code", None) or None,
        "message": str(refused), "detail": getattr(refused, "detail", "") or "",
        "may_have_written": bool(getattr(refused, "may_have_written", False))}}


def _outcome(posting: Posting, status: WorkStatus, error: str | None, outcome: str,
             code: str | None = None, key_spent: bool = False) -> WorkStatus:
    """Log one attempt's outcome, move to the next generation when the ledger refused the
    key, and store the result. A refusal kept by an earlier attempt goes with any other
    outcome, so Activity never words an old one."""
    _log_outcome(posting, outcome, code)
    if outcome != "refused" and posting.payload and "refusal" in posting.payload:
        posting.payload = {k: v for k, v in posting.payload.items() if k != "refusal"}
    if key_spent:
        next_generation(posting)
    return _finish(posting, status, error)


def next_generation(posting: Posting) -> None:
    """A new attempt generation and its key (generation 1's key is the engine's original)."""
    posting.generation = (posting.generation or 1) + 1
    posting.idempotency_key = engine.idempotency_key(posting.company_id, posting.kind,
                                                     posting.source_id, posting.generation)


def _log_outcome(posting: Posting, outcome: str, code: str | None = None) -> None:
    """One line per attempt, ids and codes only: never a token, an error text or an amount
    a vendor echoed back."""
    log.info("posting %s company %s kind %s generation %s: outcome=%s code=%s", posting.id,
             posting.company_id, posting.kind, posting.generation, outcome, code or "-")
    metrics.posting_outcome(posting.kind, outcome)


def _received_at(posting: Posting):
    """When the webhook that brought this posting arrived (None: it came another way)."""
    if posting.event_id is None:
        return None
    return db.session.scalar(select(GatewayEvent.received_at)
                             .where(GatewayEvent.id == posting.event_id))


def _finish(posting: Posting, status: WorkStatus, error: str | None) -> WorkStatus:
    posting.status, posting.error = status, error
    db.session.commit()
    return status


def _payment_of(movement) -> dict:
    return {"source_id": movement.source_id, "charge_id": movement.charge_id,
            "account_id": movement.account_id, "currency": movement.currency.upper(),
            "amount_minor": movement.amount_minor, "metadata": dict(movement.metadata),
            "paid_on": movement.occurred_at.date().isoformat()}


def _drop_unmatched_elsewhere(gateway: Gateway, movement) -> None:
    """An earlier event of this payment without metadata showed it, unmatched, to every
    company on the account; it is now known to be this company's, so the others forget it."""
    db.session.execute(delete(Posting).where(
        Posting.kind == "payment", Posting.source_id == movement.source_id,
        Posting.status == WorkStatus.UNMATCHED, Posting.company_id != gateway.company_id))
    db.session.commit()


def _named_gateway(kind: str, movement) -> Gateway | None:
    """The active gateway the payment's metadata names, if it is of this kind, Stripe account,
    mode and company; None otherwise (never another gateway of the same account)."""
    gateway_id = _metadata_id(movement.metadata, METADATA_GATEWAY)
    company_id = _metadata_id(movement.metadata, METADATA_COMPANY)
    if gateway_id is None or company_id is None:
        return None
    gateway = db.session.get(Gateway, gateway_id)
    if gateway is None or gateway.status is not GatewayStatus.ACTIVE:
        return None
    if (gateway.kind, gateway.account_id, gateway.livemode, gateway.company_id) != (
            kind, movement.account_id, movement.livemode, company_id):
        log.warning("Payment %s names gateway %s, which is not of its account, mode or "
                    "company: recorded as unmatched.", movement.source_id, gateway_id)
        return None
    return gateway


def _metadata_id(metadata: dict, key: str) -> int | None:
    value = str(metadata.get(key) or "").strip()
    return int(value) if value.isdigit() else None


def _gateways_on_account(kind: str, movement) -> list[Gateway]:
    """One connected gateway per company collecting through the movement's account and mode."""
    gateways = db.session.scalars(select(Gateway).where(
        Gateway.kind == kind, Gateway.account_id == movement.account_id,
        Gateway.livemode == movement.livemode,
        Gateway.status.in_((GatewayStatus.ACTIVE, GatewayStatus.NEEDS_SETUP)))
        .order_by(Gateway.id))
    per_company: dict[int, Gateway] = {}
    for gateway in gateways:
        per_company.setdefault(gateway.company_id, gateway)
    return list(per_company.values())


def _posting(company_id: int, source_id: str) -> Posting | None:
    return db.session.scalar(select(Posting).where(
        Posting.company_id == company_id, Posting.kind == "payment",
        Posting.source_id == source_id))

