"""Money movement -> ledger posting, as pure functions: no database, no network, no clock.

A gateway payment for one or more invoices becomes one PaymentPosting in the mapped accounts:
each invoice takes what was paid for it up to its balance due, the rest is the customer's credit.
Every check that can fail here fails before anything is written, with a reason a person can act
on; the idempotency key depends only on what was paid (and the attempt generation, which moves
on only after the ledger refused the payment), so a retry can never post twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping as Balances
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from addon import money
from connectors.base import InvoiceApplication, PaymentPosting
from gateways.base import METADATA_AMOUNTS, METADATA_INVOICES


class PostingRefused(ValueError):
    """The movement cannot become a posting as it stands; `str()` says why, for people."""


@dataclass(frozen=True)
class Payment:
    """What the engine needs of a gateway payment (from gateways.base.MoneyMovement)."""

    source_id: str  # the gateway's payment id: shared by every event of one payment
    charge_id: str | None
    account_id: str
    currency: str
    amount_minor: int
    metadata: dict[str, str]
    exponent: int | None = None  # the gateway's for `currency` (None: ISO 4217's)

    @property
    def quantum(self) -> Decimal:
        return Decimal(1).scaleb(-money.exponent(self.currency, self.exponent))


@dataclass(frozen=True)
class Mapping:
    deposit_account_id: str
    receivable_account_id: str | None


def idempotency_key(company_id: int, kind: str, source_id: str, generation: int = 1) -> str:
    """Stable for one (company, kind, source, attempt generation): 'rp-' + 40 hex characters,
    within QuickBooks' 50-character requestid limit and Xero's 128.

    The ledgers answer a repeated key with their first answer, refusals included, so a payment
    the ledger refused needs a new generation (a new key) to be tried again. Generation 1 keeps
    the original formula, so keys already handed out stay the same."""
    seed = f"{company_id}:{kind}:{source_id}"
    if generation != 1:
        seed += f":{generation}"
    digest = hashlib.sha256(seed.encode()).hexdigest()
    return f"rp-{digest[:40]}"


def applications(payment: Payment) -> tuple[InvoiceApplication, ...]:
    """The invoices a payment settles, from the metadata Remit put on the Checkout Session."""
    # Gateways cap metadata values (Stripe: 500 characters), which bounds the invoices.
    ids = [part.strip() for part in payment.metadata.get(METADATA_INVOICES, "").split(",")]
    amounts = [part.strip() for part in payment.metadata.get(METADATA_AMOUNTS, "").split(",")]
    if not any(ids):
        raise PostingRefused("The payment names no invoice to apply it to.")
    if len(ids) != len(amounts) or not all(ids):
        raise PostingRefused("The payment's invoices and amounts do not match one to one.")
    try:
        parsed = [Decimal(amount) for amount in amounts]
    except InvalidOperation:
        raise PostingRefused("The payment carries an amount that is not a number.") from None
    places = payment.quantum
    if any(a <= 0 or a != a.quantize(places) for a in parsed):
        raise PostingRefused(f"Invoice amounts must be positive and exact in {payment.currency}.")
    return tuple(InvoiceApplication(i, a.quantize(places)) for i, a in zip(ids, parsed,
                                                                             strict=True))


@dataclass(frozen=True)
class Split:
    """How one payment lands: the part applied to each invoice, the rest as customer credit.
    Decided once per attempt generation and stored with the posting (as_payload), so a retry
    after our own write sends the same request even though the invoice now shows our payment."""

    applied: tuple[InvoiceApplication, ...]
    credit: Decimal

    def as_payload(self, currency: str, places: int | None = None) -> dict:
        """Minor units (ints, in the gateway's exponent `places`): JSON keeps them exactly."""
        return {"applied": [[a.invoice_id, money.to_minor(a.amount, currency, places)]
                            for a in self.applied],
                "credit": money.to_minor(self.credit, currency, places)}

    @classmethod
    def from_payload(cls, stored: dict, currency: str, places: int | None = None) -> Split:
        return cls(tuple(InvoiceApplication(invoice_id,
                                            money.from_minor(minor, currency, places))
                         for invoice_id, minor in stored["applied"]),
                   money.from_minor(stored["credit"], currency, places))


def split(payment: Payment, balances: Balances[str, Decimal]) -> Split:
    """Each invoice gets what was paid for it up to its balance due (`balances`, by invoice
    id, read from the ledger just before writing); the excess becomes the customer's credit.
    An invoice already paid (or void: nothing due) takes nothing, so all of it is credit.
    Exact in the currency's exponent: never rounds up past a balance."""
    places = payment.quantum
    due = {invoice_id: max(Decimal(0), balance) for invoice_id, balance in balances.items()}
    applied, credit = [], Decimal(0).quantize(places)
    for wanted in applications(payment):
        if wanted.invoice_id not in due:
            raise PostingRefused(f"The balance of invoice {wanted.invoice_id} is unknown.")
        part = min(wanted.amount, due[wanted.invoice_id]).quantize(places, ROUND_DOWN)
        due[wanted.invoice_id] -= part
        credit += wanted.amount - part
        if part > 0:
            applied.append(InvoiceApplication(wanted.invoice_id, part))
    return Split(tuple(applied), credit)


def payment_posting(*, company_id: int, home_currency: str, payment: Payment,
                    mapping: Mapping | None, customer_id: str, paid_on: date, label: str,
                    exchange_rate: Decimal | None = None,
                    reference_limit: int, landing: Split | None = None,
                    settled_amount: Decimal | None = None) -> PaymentPosting:
    """`label` names the payment in the gateway's words (GatewayProvider.payment_label), for
    the memo; `landing` (from split()) says what goes to the invoices and what stays as
    credit; without it every invoice takes its whole amount. The reference keeps its last
    `reference_limit` characters, as many as the ledger takes (its descriptor says)."""
    if mapping is None:
        raise PostingRefused(f"The gateway has no accounts set for {payment.currency}.")
    amount = money.from_minor(payment.amount_minor, payment.currency, payment.exponent)
    wanted = applications(payment)
    if sum(a.amount for a in wanted) != amount:
        raise PostingRefused(f"{amount} {payment.currency} was paid but the invoices add up to "
                             f"{sum(a.amount for a in wanted)}.")
    landing = landing or Split(wanted, Decimal(0))
    _check_landing(landing, wanted, amount)
    foreign = payment.currency != home_currency
    if foreign and exchange_rate is None:
        raise PostingRefused(f"A {payment.currency} payment needs an exchange rate to "
                             f"{home_currency}.")
    reference = payment.charge_id or payment.source_id
    return PaymentPosting(
        idempotency_key=idempotency_key(company_id, "payment", payment.source_id),
        customer_id=customer_id,
        currency=payment.currency,
        amount=amount,
        paid_on=paid_on,
        deposit_account_id=mapping.deposit_account_id,
        receivable_account_id=mapping.receivable_account_id,
        applications=landing.applied,
        reference=reference[-reference_limit:],
        memo=f"{label} (recorded by Remit)",
        exchange_rate=exchange_rate if foreign else None,
        credit=landing.credit,
        settled_amount=settled_amount if foreign else None,
    )



def _check_landing(landing: Split, wanted: tuple[InvoiceApplication, ...],
                   amount: Decimal) -> None:
    """A stored split must still describe this payment: nothing applied beyond what was paid
    for an invoice, and every cent either applied or credited."""
    asked = {a.invoice_id: a.amount for a in wanted}
    if (landing.credit < 0 or any(a.amount <= 0 or a.amount > asked.get(a.invoice_id, 0)
                                  for a in landing.applied)
            or sum(a.amount for a in landing.applied) + landing.credit != amount):
        raise PostingRefused(f"The split of {amount} between invoices and customer credit "
                             "does not match the payment.")
