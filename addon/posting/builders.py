"""Balance entries -> ledger postings, as pure functions (like engine.py: no database, no network).

Every movement after the payment is derived from the gateway's balance entry in the currency it
settles in (S), so the clearing account of S moves by exactly each entry's net: a fee and a
dispute step are journals, a refund is a refund document out of clearing, a payout moves the
net of everything it contains from clearing to the bank. Amounts are read with the gateway's
exponent for S; anything that does not add up is refused before a write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from addon import money
from addon.posting.engine import PostingRefused, idempotency_key
from connectors.base import JournalLine, JournalPosting, PayoutItem, PayoutPosting, RefundPosting
from gateways.base import ENTRY_PAYOUT, ENTRY_PAYOUT_FAILURE, BalanceEntry

RATE_PLACES = Decimal(1).scaleb(-12)  # Stripe's rate, exact enough to give back its amounts


@dataclass(frozen=True)
class Key:
    """What a posting's idempotency key and reference derive from."""

    company_id: int
    kind: str
    source_id: str
    generation: int = 1

    @property
    def idempotency_key(self) -> str:
        return idempotency_key(self.company_id, self.kind, self.source_id, self.generation)


def _amount(minor: int, currency: str, exponents: dict[str, int]) -> Decimal:
    return money.from_minor(minor, currency, exponents.get(currency))


def settlement_rate(presentment_minor: int, presentment_currency: str, settled_minor: int,
                    settlement_currency: str, exponents: dict[str, int]) -> Decimal:
    """Units of the settlement currency per unit of the presentment currency, as Stripe
    converted (settlement / presentment in major units), 12 places: the ledger multiplying the
    presentment amount by it and rounding to S's exponent gets Stripe's settled amount back."""
    presented = abs(_amount(presentment_minor, presentment_currency, exponents))
    settled = abs(_amount(settled_minor, settlement_currency, exponents))
    if presented == 0:
        raise PostingRefused("A conversion of nothing has no rate.")
    return (settled / presented).quantize(RATE_PLACES)


def fee_posting(*, key: Key, entry: BalanceEntry, fees_account_id: str,
                clearing_account_id: str, payment_id: str, reference_limit: int,
                exponents: dict[str, int], exchange_rate: Decimal | None = None,
                bank_account_ids: frozenset[str] | None = None) -> JournalPosting:
    """The gateway's fee on a charge out of clearing into the fees account (Dr fees, Cr
    clearing), in S, dated the entry's creation."""
    if entry.fee_minor <= 0:
        raise PostingRefused(f"Balance entry {entry.id} carries no fee to record.")
    fee = _amount(entry.fee_minor, entry.currency, exponents)
    text = f"Stripe fee on payment {payment_id} ({entry.source_id or entry.id})"
    return JournalPosting(
        idempotency_key=key.idempotency_key, currency=entry.currency,
        posted_on=entry.created_at.date(),
        lines=(JournalLine(fees_account_id, fee, text),
               JournalLine(clearing_account_id, -fee, text)),
        reference=entry.id[-reference_limit:], memo=f"{text}, {entry.id} (recorded by Remit)",
        exchange_rate=exchange_rate, bank_account_ids=bank_account_ids)


def dispute_step(entry: BalanceEntry) -> str:
    """'withdrawn' (money out to the card holder's bank) or 'reinstated' (back, when won)."""
    return "withdrawn" if entry.amount_minor < 0 else "reinstated"


def dispute_posting(*, key: Key, entry: BalanceEntry, dispute_id: str, payment_id: str | None,
                    losses_account_id: str, fees_account_id: str, clearing_account_id: str,
                    reference_limit: int, exponents: dict[str, int],
                    exchange_rate: Decimal | None = None,
                    bank_account_ids: frozenset[str] | None = None) -> JournalPosting:
    """One dispute step by the entry's signed amounts: withdrawn (amount -D, fee f) debits
    losses D and fees f and credits clearing D+f; reinstated (amount +D, fee -f' or 0) is the
    reverse. The clearing line is the entry's net, so clearing follows the balance."""
    if entry.amount_minor == 0:
        raise PostingRefused(f"Balance entry {entry.id} moves nothing.")
    currency = entry.currency
    step = dispute_step(entry)
    text = f"Stripe dispute {dispute_id} funds {step}" + (
        f" (payment {payment_id})" if payment_id else "")
    lines = [JournalLine(losses_account_id, -_amount(entry.amount_minor, currency, exponents),
                         text)]
    if entry.fee_minor:
        lines.append(JournalLine(fees_account_id, _amount(entry.fee_minor, currency, exponents),
                                 f"{text}: dispute fee"))
    lines.append(JournalLine(clearing_account_id, _amount(entry.net_minor, currency, exponents),
                             text))
    if sum(line.amount for line in lines) != 0:
        raise PostingRefused(f"Balance entry {entry.id}: amount, fee and net do not add up.")
    return JournalPosting(
        idempotency_key=key.idempotency_key, currency=currency,
        posted_on=entry.created_at.date(), lines=tuple(lines),
        reference=entry.id[-reference_limit:], memo=f"{text}, {entry.id} (recorded by Remit)",
        exchange_rate=exchange_rate, bank_account_ids=bank_account_ids)


def refund_posting(*, key: Key, refund_id: str, payment_id: str, currency: str,
                   amount_minor: int, refunded_on: date, entry: BalanceEntry | None,
                   clearing_account_id: str, customer_id: str, invoice_id: str,
                   income_ref: str | None, home_currency: str, invoice_rate: Decimal | None,
                   reference_limit: int, exponents: dict[str, int]) -> RefundPosting:
    """Money refunded in the payment's currency P out of the clearing account of the currency
    the refund's entry left (S). P != S: at the refund's own rate (settlement / presentment,
    12 places), which is home units per P when S is the home currency; P == S: the invoice's
    rate when P is foreign, none at home."""
    if amount_minor <= 0:
        raise PostingRefused(f"Refund {refund_id} has no positive amount.")
    rate = None
    if entry is not None and entry.currency != currency:
        if entry.currency != home_currency:
            raise PostingRefused(f"Refund {refund_id} was settled in {entry.currency}, neither "
                                 f"{currency} nor {home_currency}.")
        rate = settlement_rate(amount_minor, currency, entry.amount_minor, entry.currency,
                               exponents)
    elif currency != home_currency:
        rate = invoice_rate
        if rate is None:
            raise PostingRefused(f"A {currency} refund needs an exchange rate to "
                                 f"{home_currency}.")
    return RefundPosting(
        idempotency_key=key.idempotency_key, customer_id=customer_id, currency=currency,
        amount=_amount(amount_minor, currency, exponents), refunded_on=refunded_on,
        from_account_id=clearing_account_id, invoice_id=invoice_id, income_ref=income_ref,
        reference=refund_id[-reference_limit:],
        memo=f"Stripe refund {refund_id} of payment {payment_id} (recorded by Remit)",
        exchange_rate=rate)


def payout_items(payout_id: str, entries: list[BalanceEntry],
                 exponents: dict[str, int]) -> tuple[PayoutItem, ...]:
    """One line per entry the payout took (its own entry and failure entries of itself
    excluded), signed as the entry moved the balance: charges in, refunds and disputes out."""
    items = []
    for entry in entries:
        if entry.category in (ENTRY_PAYOUT, ENTRY_PAYOUT_FAILURE) and entry.source_id == payout_id:
            continue
        gross = _amount(entry.amount_minor, entry.currency, exponents)
        fee = _amount(entry.fee_minor, entry.currency, exponents)
        text = f"{entry.source_id or entry.id} gross {gross}" + (f", fee {fee}" if fee else "")
        items.append(PayoutItem(text, _amount(entry.net_minor, entry.currency, exponents)))
    return tuple(items)


def payout_posting(*, key: Key, payout_id: str, currency: str, amount_minor: int,
                   arrival_date: date, entries: list[BalanceEntry], bank_account_id: str,
                   clearing_account_id: str, reference_limit: int, exponents: dict[str, int],
                   exchange_rate: Decimal | None = None,
                   bank_account_ids: frozenset[str] | None = None) -> PayoutPosting:
    """A payout's net from clearing to the settlement bank, one item per entry it contains;
    refused unless the items add up to the payout to the minor unit (and the payout's own
    entry, when listed, says the same amount)."""
    amount = _amount(amount_minor, currency, exponents)
    own = [e for e in entries if e.category == ENTRY_PAYOUT and e.source_id == payout_id]
    if own and -own[0].amount_minor != amount_minor:
        raise PostingRefused(f"Payout {payout_id} is {amount} {currency} but its balance entry "
                             f"says {_amount(-own[0].amount_minor, currency, exponents)}.")
    if any(e.currency != currency for e in entries):
        raise PostingRefused(f"Payout {payout_id} lists entries in another currency than "
                             f"{currency}.")
    items = payout_items(payout_id, entries, exponents)
    total = sum((item.amount for item in items), Decimal(0))
    if total != amount:
        raise PostingRefused(f"Payout {payout_id} is {amount} {currency} but what it contains "
                             f"adds up to {total}.")
    return PayoutPosting(
        idempotency_key=key.idempotency_key, currency=currency, arrival_date=arrival_date,
        amount=amount, bank_account_id=bank_account_id,
        clearing_account_id=clearing_account_id, items=items,
        reference=payout_id[-reference_limit:],
        memo=f"Stripe payout {payout_id} (recorded by Remit)", exchange_rate=exchange_rate,
        bank_account_ids=bank_account_ids)


def payout_reversal_posting(*, key: Key, payout_id: str, currency: str, amount_minor: int,
                            returned_on: date, bank_account_id: str, clearing_account_id: str,
                            reference_limit: int, exponents: dict[str, int],
                            exchange_rate: Decimal | None = None,
                            bank_account_ids: frozenset[str] | None = None) -> PayoutPosting:
    """A recorded payout that failed or was cancelled: its money back from the bank to
    clearing."""
    return PayoutPosting(
        idempotency_key=key.idempotency_key, currency=currency, arrival_date=returned_on,
        amount=_amount(amount_minor, currency, exponents), bank_account_id=bank_account_id,
        clearing_account_id=clearing_account_id, items=(),
        reference=payout_id[-reference_limit:],
        memo=f"Stripe payout {payout_id} failed: returned to the Stripe balance "
             "(recorded by Remit)", exchange_rate=exchange_rate, reverse=True,
        bank_account_ids=bank_account_ids)
