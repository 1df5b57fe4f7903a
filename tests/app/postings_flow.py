"""Helpers for the tests of postings after the payment: Stripe's events from the stand-in,
delivered to Remit's webhook when and as often as a test says, and the postings they made."""

from __future__ import annotations

import json

from sqlalchemy import select

import sandbox.stripe
from addon.extensions import db
from addon.models import Gateway, Posting
from tests.app.payment_flow import checkout, link_path


def deliver(client, deliveries) -> None:
    for delivery in deliveries:
        answer = client.post("/webhooks/stripe", data=delivery.payload, headers=delivery.headers)
        assert answer.status_code == 200, answer.get_data(as_text=True)


def paid(client, company, invoice_id: str, amount: str) -> tuple[str, list]:
    """The customer pays on the stand-in; (PaymentIntent id, its events, not delivered)."""
    sandbox.stripe.pay(checkout(client, link_path(company, invoice_id), amount),
                       sandbox.stripe.SUCCEEDING_CARD)
    events = sandbox.stripe.last_events()
    intent = next(json.loads(d.payload)["data"]["object"]["id"] for d in events
                  if json.loads(d.payload)["type"] == "payment_intent.succeeded")
    return intent, events


def refunded(intent: str, amount_minor: int | None = None) -> list:
    """A dashboard refund: its events, not delivered."""
    sandbox.stripe.refund(intent, amount_minor)
    return sandbox.stripe.last_events()


def paid_out(account_id: str) -> tuple[str, list]:
    """Stripe pays the available balance out and the bank takes it: (payout id, its events
    created, paid, reconciliation completed), not delivered."""
    (payout,) = sandbox.stripe.pay_out(account_id, fast_forward=True)
    created = sandbox.stripe.last_events()
    sandbox.stripe.settle_payout(payout["id"], "paid")
    return payout["id"], created + sandbox.stripe.last_events()


def postings(company, kind: str | None = None) -> list[Posting]:
    db.session.expire_all()
    query = select(Posting).where(Posting.company_id == company.id).order_by(Posting.id)
    if kind:
        query = query.where(Posting.kind == kind)
    return list(db.session.scalars(query))


def one(company, kind: str) -> Posting:
    (found,) = postings(company, kind)
    return found


def set_roles(client, company, currency: str = "USD", **roles: str) -> None:
    """Save the gateway's set-up again with payout roles (settlement, fees, dispute_losses)
    for `currency`, keeping its deposit and receivable accounts."""
    gateway = db.session.scalar(select(Gateway).where(Gateway.company_id == company.id))
    form = {"description": gateway.description, "action": "save",
            "currency": [row.currency for row in gateway.currencies]}
    for row in gateway.currencies:
        form[f"deposit-{row.currency}"] = row.deposit_account_id
        form[f"receivable-{row.currency}"] = row.receivable_account_id or ""
        for role in ("settlement", "fees", "dispute_losses"):
            form[f"{role}-{row.currency}"] = getattr(row, f"{role}_account_id") or ""
    form.update({f"{role}-{currency}": value for role, value in roles.items()})
    answer = client.post(f"/settings/gateways/{gateway.id}", data=form)
    assert answer.status_code == 302, answer.get_data(as_text=True)


class RecordingLedger:
    """The company's real connector for everything it already does (reads, payments), with the
    writes after the payment recorded here instead: the claims and routing tests run before
    the connectors' own methods exist, and state exactly what Remit asked the ledger to write
    (the connector tests hold the ledgers to it)."""

    def __init__(self) -> None:
        self.writes: list[tuple[str, object]] = []

    def wrap(self, connector):
        ledger = self

        class Recording:
            def __getattr__(self, name):
                return getattr(connector, name)

            def record_journal(self, posting):
                return ledger._record("JournalEntry", posting)

            def record_refund(self, posting):
                return ledger._record("RefundReceipt", posting)

            def record_payout(self, posting):
                return ledger._record("Transfer" if posting.reverse else "Deposit", posting)

        return Recording()

    def _record(self, object_type: str, posting):
        from connectors.base import LedgerWrite

        replay = [i for i, (_t, p) in enumerate(self.writes)
                  if p.idempotency_key == posting.idempotency_key]
        if not replay:
            self.writes.append((object_type, posting))
        number = (replay or [len(self.writes) - 1])[0] + 1
        return LedgerWrite(object_type, (f"{object_type}-{number}",))

    def of(self, object_type: str) -> list:
        return [p for t, p in self.writes if t == object_type]


def recording_ledger(monkeypatch) -> RecordingLedger:
    from addon.posting import runner

    ledger = RecordingLedger()
    real = runner.connector_for
    monkeypatch.setattr(runner, "connector_for", lambda company: ledger.wrap(real(company)))
    return ledger
