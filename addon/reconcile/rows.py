"""One reconciliation row per payout, computed from postings alone (no Flask, no ORM, no HTTP).

A payout's balance entries say what moved through the clearing account; the postings that answer
for each entry (design.md, "Postings") say what the ledger recorded. A row is *balanced* when
every answer is recorded with the entry's amount, *waiting* while an answer is still to come, and
*off* by the difference when an answer will never come or came with another amount. Amounts are
signed clearing movements in the payout's (settlement) currency, in its minor units until the
row hands them out as Decimal with the gateway's exponent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from addon.money import from_minor, to_minor
from gateways.base import (
    ENTRY_DISPUTE,
    ENTRY_PAYMENT,
    ENTRY_PAYOUT,
    ENTRY_PAYOUT_FAILURE,
    ENTRY_REFUND,
    BalanceEntry,
)

# Posting kinds (design.md, "Postings") and the statuses a posting row takes.
PAYMENT, FEE, REFUND, DISPUTE = "payment", "fee", "refund", "dispute"
PAYOUT, PAYOUT_REVERSAL = "payout", "payout_reversal"
DONE = "done"
NEVER = frozenset({"unmatched", "ignored"})  # final, and nothing was written to the ledger
FAILED_PAYOUT = frozenset({"failed", "canceled"})


class Status(StrEnum):
    BALANCED = "balanced"
    WAITING = "waiting"
    OFF = "off"


class Why(StrEnum):
    """What a finding says; the page, the CSV and the command word each the same way."""

    NOT_RECONCILED = "not_reconciled"  # the gateway has not listed the payout's contents yet
    PAYOUT_NOT_RECORDED = "payout_not_recorded"  # the payout's own posting is not done
    REVERSAL_NOT_RECORDED = "reversal_not_recorded"  # failed after it was recorded
    POSTING_WAITING = "posting_waiting"  # an entry's posting is pending, failed or absent
    NOT_RECORDED = "not_recorded"  # unmatched or ignored: it will never reach the ledger
    OTHER_AMOUNT = "other_amount"  # recorded, with another amount than the entry's
    UNANSWERED = "unanswered"  # no posting kind answers for this entry
    CONTENTS_DIFFER = "contents_differ"  # the entries do not add up to the payout


@dataclass(frozen=True)
class PostingFacts:
    """What the page needs of one posting row, read from the database by the caller."""

    kind: str
    source_id: str
    status: str  # WorkStatus value
    amount_minor: int
    currency: str
    ledger_object_id: str | None = None
    error: str | None = None
    payload: Mapping | None = None
    order: int = 0  # when it was made (the posting's id): breaks ties between equal dates


@dataclass(frozen=True)
class Finding:
    """One reason a row is not balanced. `posting_state` is the answering posting's status,
    "absent" when there is none; `difference` what it puts the clearing account off by."""

    why: Why
    entry_id: str | None = None
    source_id: str | None = None
    posting_kind: str | None = None
    posting_state: str | None = None
    error: str | None = None
    expected: Decimal | None = None
    recorded: Decimal | None = None
    difference: Decimal | None = None

    @property
    def waiting(self) -> bool:
        return self.why in (Why.NOT_RECONCILED, Why.PAYOUT_NOT_RECORDED,
                            Why.REVERSAL_NOT_RECORDED, Why.POSTING_WAITING)


@dataclass(frozen=True)
class EntryLine:
    """One balance entry of the payout and the postings that answer for it (CSV detail)."""

    id: str
    category: str
    source_id: str | None
    payment_id: str | None
    amount: Decimal
    fee: Decimal
    net: Decimal
    answers: tuple[tuple[str, str, str | None], ...]  # (kind, status or "absent", ledger ids)


@dataclass(frozen=True)
class PayoutRow:
    payout_id: str
    currency: str
    arrival_date: date | None
    payout_status: str  # the gateway's: paid, in_transit, failed...
    gross: Decimal  # payments' amounts
    fees: Decimal  # every entry's fee, negative: what the gateway kept
    refunds: Decimal
    disputes: Decimal
    other: Decimal  # failed payouts' money coming back, adjustments
    net: Decimal  # the payout's amount
    ledger_object_id: str | None
    reversal_object_id: str | None
    status: Status
    difference: Decimal  # off by this much (zero unless off)
    findings: tuple[Finding, ...]
    entries: tuple[EntryLine, ...] = field(default=())

    @property
    def waiting_for(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.waiting)

    @property
    def explained_by(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.waiting)


Postings = Mapping[tuple[str, str], PostingFacts]  # (kind, source id) -> posting
Exponent = Callable[[str], int]  # the gateway's decimal places per currency


def entries_of(payout: PostingFacts) -> list[BalanceEntry]:
    return [BalanceEntry.from_payload(e) for e in (payout.payload or {}).get("entries") or []]


def answering_keys(payouts: Iterable[PostingFacts]) -> set[tuple[str, str]]:
    """Every (kind, source id) whose posting answers for an entry of these payouts, so the
    caller reads exactly those rows."""
    keys: set[tuple[str, str]] = set()
    for payout in payouts:
        keys.add((PAYOUT_REVERSAL, payout.source_id))
        for entry in entries_of(payout):
            keys.update(_answers(entry))
    return keys


def _own(entry: BalanceEntry, payout_id: str) -> bool:
    """The payout's own entries: its payout, and its failure when it failed (answered by the
    payout posting and its reversal, not by the clearing movements)."""
    return entry.category == ENTRY_PAYOUT or (entry.category == ENTRY_PAYOUT_FAILURE
                                              and entry.source_id == payout_id)


def _payment_of(entry: BalanceEntry) -> str:
    """The payment a charge entry belongs to; a legacy charge is its own payment."""
    return entry.payment_id or entry.source_id or ""


def _answers(entry: BalanceEntry) -> list[tuple[str, str]]:
    """The postings that answer for an entry (design.md), besides the payout's own."""
    if entry.category == ENTRY_PAYMENT:
        wanted = [(PAYMENT, _payment_of(entry))]
        return [*wanted, (FEE, entry.id)] if entry.fee_minor else wanted
    if entry.category == ENTRY_REFUND:
        return [(REFUND, entry.source_id or "")]
    if entry.category == ENTRY_DISPUTE:
        return [(DISPUTE, entry.id)]
    if entry.category == ENTRY_PAYOUT_FAILURE:
        return [(PAYOUT_REVERSAL, entry.source_id or "")]
    return []


def payout_rows(payouts: Iterable[PostingFacts], postings: Postings, exponent: Exponent,
                since: date | None = None) -> list[PayoutRow]:
    """The rows of these payouts arriving on or after `since`, newest first."""
    made = sorted(payouts, key=lambda p: (p.order, p.source_id))
    rows = [payout_row(p, postings, exponent) for p in made]
    if since is not None:
        rows = [r for r in rows if r.arrival_date is None or r.arrival_date >= since]
    # Stable: among payouts arriving the same day, the one made last comes first.
    return sorted(reversed(rows), key=lambda r: r.arrival_date or date.max, reverse=True)


def payout_row(payout: PostingFacts, postings: Postings, exponent: Exponent) -> PayoutRow:
    described = (payout.payload or {}).get("payout") or {}
    entries = entries_of(payout)
    currency = payout.currency

    def money(minor: int) -> Decimal:
        return from_minor(minor, currency, exponent(currency))

    findings: list[Finding] = []
    # Failed or cancelled before it was recorded: nothing to record, nothing to wait for.
    failed_unrecorded = described.get("status") in FAILED_PAYOUT and payout.status in NEVER
    if not failed_unrecorded and (not described.get("reconciled") or not entries):
        findings.append(Finding(Why.NOT_RECONCILED, source_id=payout.source_id))
    if payout.status != DONE and not failed_unrecorded:
        findings.append(Finding(Why.PAYOUT_NOT_RECORDED, source_id=payout.source_id,
                                posting_kind=PAYOUT, posting_state=payout.status,
                                error=payout.error))
    reversal = postings.get((PAYOUT_REVERSAL, payout.source_id))
    if described.get("status") in FAILED_PAYOUT and payout.status == DONE \
            and (reversal is None or reversal.status != DONE):
        findings.append(Finding(Why.REVERSAL_NOT_RECORDED, source_id=payout.source_id,
                                posting_kind=PAYOUT_REVERSAL,
                                posting_state=reversal.status if reversal else "absent",
                                error=reversal.error if reversal else None))

    moved = [e for e in entries if not _own(e, payout.source_id)]
    off_minor = 0
    for entry in moved:
        entry_findings, recorded = _entry_findings(entry, postings, money, exponent)
        findings.extend(entry_findings)
        if recorded is not None:
            off_minor += entry.net_minor - recorded
    if entries and described.get("reconciled") and sum(e.net_minor for e in moved) \
            != payout.amount_minor:
        findings.append(Finding(Why.CONTENTS_DIFFER, source_id=payout.source_id,
                                expected=money(payout.amount_minor),
                                recorded=money(sum(e.net_minor for e in moved)),
                                difference=money(payout.amount_minor
                                                 - sum(e.net_minor for e in moved))))

    if any(not f.waiting for f in findings):
        status = Status.OFF
    elif findings:
        status = Status.WAITING
    else:
        status = Status.BALANCED

    def total(category: str) -> Decimal:
        return money(sum(e.amount_minor for e in moved if e.category == category))

    known = (ENTRY_PAYMENT, ENTRY_REFUND, ENTRY_DISPUTE)
    return PayoutRow(
        payout_id=payout.source_id, currency=currency,
        arrival_date=_date(described.get("arrival_date")),
        payout_status=str(described.get("status") or ""),
        gross=total(ENTRY_PAYMENT), fees=money(-sum(e.fee_minor for e in moved)),
        refunds=total(ENTRY_REFUND), disputes=total(ENTRY_DISPUTE),
        other=money(sum(e.amount_minor for e in moved if e.category not in known)),
        net=money(payout.amount_minor),
        ledger_object_id=payout.ledger_object_id if payout.status == DONE else None,
        reversal_object_id=reversal.ledger_object_id if reversal and reversal.status == DONE
        else None,
        status=status, difference=money(off_minor) if status is Status.OFF else money(0),
        findings=tuple(findings),
        entries=tuple(_line(e, postings, money) for e in entries),
    )


def _entry_findings(entry: BalanceEntry, postings: Postings, money,
                    exponent: Exponent) -> tuple[list[Finding], int | None]:
    """What is missing or wrong for one entry, and the clearing movement the ledger recorded
    for it (None while something is still to come)."""
    if entry.category == ENTRY_PAYMENT:
        return _payment_findings(entry, postings, money, exponent)
    answers = _answers(entry)
    if not answers:
        if entry.net_minor == 0:
            return [], 0
        return [Finding(Why.UNANSWERED, entry_id=entry.id, source_id=entry.source_id,
                        expected=money(entry.net_minor), recorded=money(0),
                        difference=money(entry.net_minor))], 0
    kind, source = answers[0]
    posting = postings.get((kind, source))
    if posting is None or (posting.status != DONE and posting.status not in NEVER):
        return [_waiting(entry, kind, source, posting)], None
    recorded = 0 if posting.status in NEVER else _recorded(entry, posting, exponent)
    return _compare(entry, kind, source, posting, entry.net_minor, recorded, money), recorded


def _payment_findings(entry: BalanceEntry, postings: Postings, money,
                      exponent: Exponent) -> tuple[list[Finding], int | None]:
    """A charge answers twice: its gross by the payment posting, its fee by the fee posting.
    A payment that will never be recorded takes its fee with it (the fee has no company)."""
    payment_id = _payment_of(entry)
    payment = postings.get((PAYMENT, payment_id))
    fee = postings.get((FEE, entry.id)) if entry.fee_minor else None
    findings: list[Finding] = []
    recorded: int | None = 0
    if payment is not None and payment.status in NEVER:
        # Never recorded: its fee has no company either, unless one was recorded all the same.
        taken = fee.amount_minor if fee is not None and fee.status == DONE else 0
        return [Finding(Why.NOT_RECORDED, entry_id=entry.id, source_id=payment_id,
                        posting_kind=PAYMENT, posting_state=payment.status,
                        expected=money(entry.net_minor), recorded=money(-taken),
                        difference=money(entry.net_minor + taken))], -taken
    if payment is None or payment.status != DONE:
        findings.append(_waiting(entry, PAYMENT, payment_id, payment))
        recorded = None
    else:
        recorded = _recorded(entry, payment, exponent)
        findings += _compare(entry, PAYMENT, payment_id, payment, entry.amount_minor,
                             recorded, money)
    if entry.fee_minor:
        if fee is None or (fee.status != DONE and fee.status not in NEVER):
            findings.append(_waiting(entry, FEE, entry.id, fee))
            recorded = None
        else:
            taken = 0 if fee.status in NEVER else fee.amount_minor
            findings += _compare(entry, FEE, entry.id, fee, entry.fee_minor, taken, money,
                                 sign=-1)
            recorded = None if recorded is None else recorded - taken
    return findings, recorded


def _waiting(entry: BalanceEntry, kind: str, source: str,
             posting: PostingFacts | None) -> Finding:
    return Finding(Why.POSTING_WAITING, entry_id=entry.id, source_id=source, posting_kind=kind,
                   posting_state=posting.status if posting else "absent",
                   error=posting.error if posting else None)


def _compare(entry: BalanceEntry, kind: str, source: str, posting: PostingFacts,
             expected: int, recorded: int, money, sign: int = 1) -> list[Finding]:
    """Nothing when the ledger recorded the entry's amount; else what explains the gap
    (`sign` -1: a fee, which takes money out of clearing)."""
    if recorded == expected:
        return []
    why = Why.NOT_RECORDED if posting.status in NEVER else Why.OTHER_AMOUNT
    return [Finding(why, entry_id=entry.id, source_id=source, posting_kind=kind,
                    posting_state=posting.status, error=posting.error,
                    expected=money(sign * expected), recorded=money(sign * recorded),
                    difference=money(sign * (expected - recorded)))]


def _recorded(entry: BalanceEntry, posting: PostingFacts, exponent: Exponent) -> int:
    """What a done posting moved through clearing for this entry, in the entry's currency and
    sign. A posting in another currency (a converted payment or refund) was written at the
    entry's own rate, so its settlement-side amount is what its stored entry says."""
    if entry.category == ENTRY_PAYMENT:
        kept = (posting.payload or {}).get("settlement") or {}
        if posting.currency != entry.currency:
            return _settled(entry, posting, kept, exponent)
        return posting.amount_minor
    if entry.category == ENTRY_REFUND:
        kept = (posting.payload or {}).get("entry") or {}
        if posting.currency != entry.currency:
            return _settled(entry, posting, kept, exponent)
        return -posting.amount_minor
    sign = 1 if entry.net_minor >= 0 else -1  # disputes (either way), payout failures (+)
    return sign * posting.amount_minor


def _settled(entry: BalanceEntry, posting: PostingFacts, kept: Mapping,
             exponent: Exponent) -> int:
    """A converted posting's amount on the settlement side: its stored balance entry when it
    is this one, else the presentment amount at this entry's rate (half up, as Stripe)."""
    if kept.get("id") == entry.id and kept.get("currency") == entry.currency:
        return kept["amount_minor"]
    if entry.exchange_rate is None:
        return 0  # another currency with no rate: nothing comparable was recorded
    presented = from_minor(posting.amount_minor, posting.currency, exponent(posting.currency))
    places = exponent(entry.currency)
    settled = (presented * entry.exchange_rate).quantize(Decimal(1).scaleb(-places),
                                                         rounding=ROUND_HALF_UP)
    sign = 1 if entry.amount_minor >= 0 else -1
    return sign * to_minor(settled, entry.currency, places)


def _line(entry: BalanceEntry, postings: Postings, money) -> EntryLine:
    answers = []
    for kind, source in _answers(entry):
        posting = postings.get((kind, source))
        answers.append((kind, posting.status if posting else "absent",
                        posting.ledger_object_id if posting else None))
    return EntryLine(id=entry.id, category=entry.category, source_id=entry.source_id,
                     payment_id=entry.payment_id, amount=money(entry.amount_minor),
                     fee=money(-entry.fee_minor), net=money(entry.net_minor),
                     answers=tuple(answers))


def _date(value) -> date | None:
    if not value:
        return None
    return date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class BalanceComparison:
    """The clearing account in the ledger next to the gateway's pending + available balance:
    None for a side that could not answer (never an invented figure)."""

    ledger: Decimal | None
    gateway: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        if self.ledger is None or self.gateway is None:
            return None
        return self.ledger - self.gateway
