"""Every movement of an event becomes at most one posting per (company, kind, source), claimed
once whatever the deliveries (the unique constraint, as payments are claimed in runner.py).

Routing, never guessed: a payment by its metadata (runner.claim_postings); a fee by the charge's
metadata or else by the posting of its payment; a refund or a dispute by the posting of its
payment. When that payment is not known yet the event waits (it stays pending with the reason
and is processed again once an event brings the payment); when it is unmatched, so is what
follows it. A payout is claimed for every company collecting through the account and mode; it
is recorded only once all it contains is that company's (runner's payout writer checks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from addon.extensions import db
from addon.models import Gateway, GatewayEvent, Posting, WorkStatus
from addon.posting import (
    engine,
    runner,  # runner -> writers -> claims: attributes read at call time
    unknown_payments,
)
from addon.posting.builders import dispute_step
from gateways.base import BalanceEntry

WAITING_FOR_PAYMENT = "Waiting for payment {payment_id}: Remit has not seen it yet."
FINAL_PAYOUT = ("failed", "canceled")
FINAL_REFUND = ("failed", "canceled")


@dataclass
class Claimed:
    postings: list[Posting] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # why part of the event must wait
    payments: list[str] = field(default_factory=list)  # payment ids this event made known
    unknown: list[str] = field(default_factory=list)  # payment ids it waits for
    # Payments Remit never recorded though they name its gateway (unknown_payments.look_up)
    unrecorded: dict[str, Gateway] = field(default_factory=dict)
    followed_unrecorded: bool = False  # something was claimed behind one of them


def claim_movements(row: GatewayEvent, movements,
                    unrecorded: dict[str, Gateway] | None = None) -> Claimed:
    """Claim what every movement of one stored event asks for; `unrecorded`: the gateway each
    payment Remit never recorded names, once read (what follows it waits for it, visibly)."""
    claimed = Claimed(unrecorded=dict(unrecorded or {}))
    payments = [m for m in movements if m.kind == "payment"]
    claimed.postings.extend(runner.claim_postings(row, payments))
    claimed.payments.extend(m.source_id for m in payments)
    for movement in movements:
        claim = CLAIMS.get(movement.kind)
        if claim is not None:
            claim(row, movement, claimed)
    return claimed


def payment_postings(payment_id: str | None) -> list[Posting]:
    if not payment_id:
        return []
    return list(db.session.scalars(select(Posting).where(
        Posting.kind == "payment", Posting.source_id == payment_id).order_by(Posting.id)))


def posting(company_id: int, kind: str, source_id: str) -> Posting | None:
    return db.session.scalar(select(Posting).where(
        Posting.company_id == company_id, Posting.kind == kind, Posting.source_id == source_id))


def claim(gateway_id: int, company_id: int, row: GatewayEvent | None, kind: str,
          source_id: str, amount_minor: int, currency: str, payload: dict,
          status: WorkStatus = WorkStatus.PENDING) -> tuple[Posting, bool]:
    """The posting for (company, kind, source), created now or already there (a concurrent
    claim collapses onto the winner's row); True when this call created it."""
    existing = posting(company_id, kind, source_id)
    if existing is not None:
        return existing, False
    made = Posting(company_id=company_id, gateway_id=gateway_id,
                   event_id=row.id if row is not None else None, kind=kind,
                   source_id=source_id, amount_minor=amount_minor, currency=currency.upper(),
                   status=status, payload=payload,
                   idempotency_key=engine.idempotency_key(company_id, kind, source_id))
    try:
        with db.session.begin_nested():
            db.session.add(made)
    except IntegrityError:
        return posting(company_id, kind, source_id), False
    db.session.commit()
    return made, True


def _owners(payment_id: str | None, claimed: Claimed) -> list[tuple[Posting, WorkStatus]] | None:
    """The payment postings something of this payment follows, with the status it takes:
    pending behind a matched payment, unmatched behind an unmatched one; None when the payment
    is unknown (the event waits)."""
    payments = payment_postings(payment_id)
    if not payments and payment_id in claimed.unrecorded:
        gateway = claimed.unrecorded[payment_id]
        claimed.followed_unrecorded = True
        return [(SimpleNamespace(gateway_id=gateway.id, company_id=gateway.company_id,
                                 source_id=payment_id, unrecorded=True), WorkStatus.PENDING)]
    if not payments:
        claimed.waiting.append(WAITING_FOR_PAYMENT.format(payment_id=payment_id or "?"))
        claimed.unknown.append(payment_id)
        return None
    matched = [p for p in payments if p.status is not WorkStatus.UNMATCHED]
    if matched:
        return [(p, WorkStatus.PENDING) for p in matched]
    return [(p, WorkStatus.UNMATCHED) for p in payments]


def _claim_fee(row: GatewayEvent, settled, claimed: Claimed) -> None:
    """A charge's balance entry is known: its fee, for the company the charge names or the
    company its payment was recorded for. The entry is also kept as the payment's settlement
    (the FX rule reads it), waking a payment that waited for it."""
    named = runner._named_gateway(row.source, SimpleNamespace(
        metadata=settled.metadata, account_id=settled.account_id, livemode=settled.livemode,
        source_id=settled.payment_id))
    if named is not None:
        targets = [(named, WorkStatus.PENDING)]
    else:
        owners = _owners(settled.payment_id, claimed)
        if owners is None:
            return
        targets = [(db.session.get(Gateway, p.gateway_id), status) for p, status in owners]
    entry = settled.entry.as_payload() if settled.entry is not None else None
    for payment in payment_postings(settled.payment_id):
        entry = entry or _same_entry(payment, settled.entry_id)
        if settled.entry is not None and not (payment.payload or {}).get("settlement"):
            payment.payload = {**payment.payload, "settlement": entry}
            db.session.commit()
            if payment.status is WorkStatus.PENDING:
                claimed.postings.append(payment)
    for gateway, status in targets:
        claim_fee(gateway, row, settled.payment_id, settled.charge_id, settled.entry_id, entry,
                  status, claimed)


def claim_fee(gateway: Gateway, row: GatewayEvent | None, payment_id: str,
              charge_id: str | None, entry_id: str, entry: dict | None, status: WorkStatus,
              claimed: Claimed | None = None) -> Posting:
    """The fee posting of one charge's balance entry (also claimed from a payout's listing and
    from a payment's settlement read), its entry filled in when a later sighting knows it."""
    amount, currency = ((entry["fee_minor"], entry["currency"]) if entry
                        else (0, gateway.account_default_currency or "XXX"))
    fee, _made = claim(gateway.id, gateway.company_id, row, "fee", entry_id, amount, currency,
                       {"payment_id": payment_id, "charge_id": charge_id, "entry_id": entry_id,
                        "entry": entry}, status)
    if entry and not (fee.payload or {}).get("entry"):
        fee.payload = {**fee.payload, "entry": entry}
        fee.amount_minor, fee.currency = amount, currency
        db.session.commit()
    if claimed is not None:
        claimed.postings.append(fee)
    return fee


def _same_entry(payment: Posting, entry_id: str) -> dict | None:
    stored = (payment.payload or {}).get("settlement")
    return stored if stored and stored.get("id") == entry_id else None


def _claim_refund(row: GatewayEvent, refund, claimed: Claimed) -> None:
    owners = _owners(refund.payment_id or refund.charge_id, claimed)
    for payment, status in owners or ():
        made, created = claim(payment.gateway_id, payment.company_id, row, "refund",
                              refund.refund_id, refund.amount_minor, refund.currency,
                              {"payment_id": payment.source_id, "charge_id": refund.charge_id,
                               "status": refund.status, "entry_id": refund.entry_id,
                               "entry": None}, status)
        if not created:
            _update_refund(made, refund)
        _behind(payment, made, created)
        claimed.postings.append(made)


def _update_refund(made: Posting, refund) -> None:
    """A later event of the refund: its entry id once it has one, a final status sticks."""
    payload = dict(made.payload or {})
    if refund.entry_id and not payload.get("entry_id"):
        payload["entry_id"] = refund.entry_id
    if payload.get("status") not in FINAL_REFUND:
        payload["status"] = refund.status
    if payload != made.payload:
        made.payload = payload
        db.session.commit()


def _claim_dispute(row: GatewayEvent, dispute, claimed: Claimed) -> None:
    """Each balance entry of the dispute (funds withdrawn, reinstated) is one posting; a closed
    dispute is recorded as such, with nothing to write."""
    owners = _owners(dispute.payment_id or dispute.charge_id, claimed)
    for payment, status in owners or ():
        for entry in dispute.entries:
            step, _made = claim(payment.gateway_id, payment.company_id, row, "dispute",
                                entry.id, abs(entry.net_minor), entry.currency,
                                _dispute_payload(dispute, payment, entry), status)
            _behind(payment, step, _made)
            claimed.postings.append(step)
        if dispute.closed:
            final = WorkStatus.DONE if status is WorkStatus.PENDING else status
            closed, _made = claim(payment.gateway_id, payment.company_id, row,
                                  "dispute_closed", dispute.dispute_id, dispute.amount_minor,
                                  dispute.currency,
                                  {"payment_id": payment.source_id, "dispute_id":
                                   dispute.dispute_id, "status": "won" if dispute.won
                                   else "lost"}, final)
            claimed.postings.append(closed)


def _behind(payment, made: Posting, created: bool) -> None:
    """A posting behind a payment Remit never recorded waits for it in words; once that
    payment is recorded after all, it is an ordinary posting again."""
    if getattr(payment, "unrecorded", False):
        if created:
            unknown_payments.mark_unrecorded(made, payment.source_id)
    else:
        unknown_payments.found(made)


def _dispute_payload(dispute, payment: Posting, entry: BalanceEntry) -> dict:
    return {"dispute_id": dispute.dispute_id, "payment_id": payment.source_id,
            "step": dispute_step(entry), "entry": entry.as_payload()}


def _claim_payout(row: GatewayEvent, payout, claimed: Claimed) -> None:
    """For every company on the account: the payout (pending until reconciled), and its
    reversal once a recorded payout failed or was cancelled."""
    for gateway in runner._gateways_on_account(row.source, payout):
        made, created = claim(gateway.id, gateway.company_id, row, "payout", payout.payout_id,
                              payout.amount_minor, payout.currency,
                              {"payout": _payout_state(payout), "entries": None})
        if not created:
            _update_payout(made, payout)
        claimed.postings.append(made)
        if made.status is WorkStatus.DONE and payout.status in FINAL_PAYOUT:
            claimed.postings.append(claim_reversal(made, row))


def claim_reversal(payout: Posting, row: GatewayEvent | None) -> Posting:
    reversal, _made = claim(payout.gateway_id, payout.company_id, row, "payout_reversal",
                            payout.source_id, payout.amount_minor, payout.currency,
                            {"payout": payout.payload["payout"]})
    return reversal


def _payout_state(payout) -> dict:
    state = {"status": payout.status, "reconciled": payout.reconciled,
             "arrival_date": payout.arrival_date.isoformat(), "automatic": payout.automatic}
    if payout.failure_entry_id:
        state["failure_entry_id"] = payout.failure_entry_id
    return state


def _update_payout(made: Posting, payout) -> None:
    """Events of a payout arrive in any order: reconciled stays true once seen, a failure or
    cancellation (and the entry that brought its money back) is final."""
    before = dict(made.payload["payout"])
    state = _payout_state(payout)
    state["reconciled"] = state["reconciled"] or bool(before.get("reconciled"))
    if before.get("status") in FINAL_PAYOUT:
        state["status"] = before["status"]
    if before.get("failure_entry_id"):
        state["failure_entry_id"] = before["failure_entry_id"]
    if state != before:
        made.payload = {**made.payload, "payout": state}
        db.session.commit()


CLAIMS = {"fee": _claim_fee, "refund": _claim_refund, "dispute": _claim_dispute,
          "payout": _claim_payout}
