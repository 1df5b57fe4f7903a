"""A company whose Stripe gateway paid out three times, with the postings the runner would
have written (design.md, "Postings"): one payout balanced, one waiting for a fee, one off by a
payment Remit did not record. Stored directly, so the page is tested on exactly these rows."""

from __future__ import annotations

from datetime import date, timedelta

from addon.extensions import db
from addon.models import Company, Gateway, GatewayCurrency, GatewayStatus, Membership, Posting, User
from addon.posting.engine import idempotency_key
from tests.unit.reconcile.builders import charge, entry, payout

TODAY = date.today()


def company_with_payouts(name: str = "Maple Books", realm: str = "9130001") -> Company:
    company = Company(platform="quickbooks", external_id=realm, name=name,
                      home_currency="USD", currencies=["USD", "JPY"])
    db.session.add(company)
    gateway_with_payouts(company)
    return company


def gateway_with_payouts(company: Company) -> Gateway:
    """A Stripe gateway (USD and JPY) of `company` with four payouts and their postings."""
    gateway = Gateway(company=company, kind="stripe", description="Stripe.com",
                      status=GatewayStatus.ACTIVE, account_id="acct_recon1", livemode=False,
                      account_default_currency="USD", account_name="Maple Books")
    gateway.currencies = [GatewayCurrency(currency="USD", deposit_account_id="4"),
                          GatewayCurrency(currency="JPY", deposit_account_id="41")]
    db.session.add(gateway)
    db.session.flush()
    add_payouts(gateway)
    return gateway


def add_payouts(gateway: Gateway) -> None:
    """Four payouts (three USD, one JPY) and the postings answering for their entries."""
    company = gateway.company
    c1, c2, c3 = charge(1, 10000, 320), charge(2, 5000, 175), charge(3, 3000, 117)
    refund = entry("txn_re1", "refund", -2000, source="re_1", payment="pi_1")
    balanced = payout("po_balanced", [c1, refund], arrival=str(TODAY - timedelta(days=1)),
                      ledger="301")
    waiting = payout("po_waiting", [c2], status="pending",
                     arrival=str(TODAY - timedelta(days=2)),
                     error="Waiting for the fee of txn_ch2.")
    off = payout("po_off", [c3], status="pending", arrival=str(TODAY - timedelta(days=3)),
                 error="txn_ch3 is a payment Remit did not record.")
    yen = charge(9, 15000, 540, "JPY")
    rows = [
        (balanced, None), (waiting, None), (off, None),
        (payout("po_yen", [yen], "JPY", arrival=str(TODAY - timedelta(days=1)), ledger="302"),
         None),
        (("payment", "pi_1", 10000, "USD", "done", "201"), None),
        (("fee", "txn_ch1", 320, "USD", "done", "202"), None),
        (("refund", "re_1", 2000, "USD", "done", "203"), None),
        (("payment", "pi_2", 5000, "USD", "done", "204"), None),
        (("fee", "txn_ch2", 175, "USD", "pending", None),
         "Set the fees account for USD on the gateway."),
        (("payment", "pi_3", 3000, "USD", "unmatched", None), None),
        (("payment", "pi_9", 15000, "JPY", "done", "205"), None),
        (("fee", "txn_ch9", 540, "JPY", "done", "206"), None),
    ]
    for row, error in rows:
        if isinstance(row, tuple):
            kind, source, amount, currency, status, ledger = row
            payload = None
        else:
            kind, source, amount, currency = row.kind, row.source_id, row.amount_minor, \
                row.currency
            status, ledger, payload, error = row.status, row.ledger_object_id, row.payload, \
                row.error
        db.session.add(Posting(
            company_id=company.id, gateway_id=gateway.id, kind=kind, source_id=source,
            amount_minor=amount, currency=currency, status=status, ledger_object_id=ledger,
            error=error, payload=payload,
            idempotency_key=idempotency_key(company.id, kind, source, 1)))
    db.session.commit()


def member(company: Company, subject: str = "user-recon", locale: str | None = None) -> User:
    user = User(platform="quickbooks", subject=subject, email=f"{subject}@example.com",
                name="Rita Recon", locale=locale)
    db.session.add_all([user, Membership(user=user, company=company)])
    db.session.commit()
    return user


def sign_in(client, user: User, company: Company, language: str | None = None) -> None:
    with client.session_transaction() as session:
        session["user_id"] = user.id
        session["company_id"] = company.id
        if language:
            session["language"] = language
