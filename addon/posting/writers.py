"""Fees, refunds, dispute steps, payouts and payout reversals: what each waits for, and the one
ledger write it becomes (runner.post holds the outcome handling common to every kind).

`prepare` runs before an attempt is counted: it checks the posting can be written now (its
payment recorded, its payout reconciled with everything in it recorded, its accounts set) and
reads from the gateway only what the stored payload lacks, storing it, so later attempts read
nothing. It raises Waiting or NothingToWrite. `build` reads what the write needs from the ledger (a
refund's invoice) and returns the connector method and the posting (builders.py) to hand it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from addon.extensions import db
from addon.gateways.registry import kind as gateway_kind
from addon.models import Gateway, Posting, WorkStatus
from addon.posting import (
    builders,
    claims,  # claims -> runner -> writers: read at call time
    roles,
)
from addon.posting.bank_accounts import cached_bank_accounts
from addon.posting.failures import failure_answer
from addon.posting.waiting import NothingToWrite, Waiting, payment_not_posted
from connectors.base import Connector
from gateways.base import (
    ENTRY_DISPUTE,
    ENTRY_PAYMENT,
    ENTRY_PAYOUT,
    ENTRY_PAYOUT_FAILURE,
    ENTRY_REFUND,
    METADATA_CUSTOMER,
    METADATA_INVOICES,
    BalanceEntry,
)

# Why a posting was settled without a write; fixed sentences, so Activity can translate them.
NO_FEE = "Stripe took no fee on this payment: nothing to record."
REFUND_FAILED = ("The refund failed or was cancelled at Stripe before Remit recorded it: "
                 "nothing to record.")
PAYOUT_FAILED = "The payout failed before it was recorded: nothing to record."
PAYOUT_CANCELED = "The payout was cancelled before it was recorded: nothing to record."
NOTHING_TO_REVERSE = "The payout was never recorded: nothing to reverse."
SETTLED_WITHOUT_WRITE = (NO_FEE, REFUND_FAILED, PAYOUT_FAILED, PAYOUT_CANCELED,
                         NOTHING_TO_REVERSE)


def _entry(posting: Posting) -> BalanceEntry | None:
    stored = (posting.payload or {}).get("entry")
    return BalanceEntry.from_payload(stored) if stored else None


def _fetch_entry(posting: Posting, gateway: Gateway, provider, entry_id: str) -> BalanceEntry:
    """A balance entry the events did not carry: one read, stored with the posting."""
    entry = provider.balance_entry(gateway.account_id, entry_id)
    posting.payload = {**posting.payload, "entry": entry.as_payload()}
    db.session.commit()
    return entry


def _home_only(posting: Posting, gateway: Gateway, currency: str) -> None:
    home = gateway.company.home_currency
    if currency != home:
        raise Waiting("fx_unsupported",
                      f"Stripe settled this in {currency}, which is not the ledger's home "
                      f"currency {home}: Remit cannot record that yet.",
                      currency=posting.currency, settlement=currency, home=home)


def _written(posting: Posting, gateway: Gateway, *currencies: str) -> dict:
    """What every ledger write is built with: its idempotency key for this attempt generation,
    the ledger's reference limit and the exponents of the currencies it moves."""
    gk = gateway_kind(gateway.kind)
    return {"key": builders.Key(posting.company_id, posting.kind, posting.source_id,
                                posting.generation or 1),
            "reference_limit": gateway.company.ledger.reference_limit,
            "exponents": {c: gk.exponent(c) for c in currencies}}


def _posting(company_id: int, kind: str, source_id: str | None) -> Posting | None:
    return db.session.scalar(select(Posting).where(
        Posting.company_id == company_id, Posting.kind == kind, Posting.source_id == source_id))


def _payment(posting: Posting) -> Posting | None:
    return _posting(posting.company_id, "payment", posting.payload.get("payment_id"))


# -- fee ---------------------------------------------------------------------------------
def prepare_fee(posting: Posting, gateway: Gateway, provider) -> None:
    entry = _entry(posting)
    if entry is None:
        payment = _payment(posting)
        stored = (payment.payload or {}).get("settlement") if payment is not None else None
        if stored and stored.get("id") == posting.source_id:
            posting.payload = {**posting.payload, "entry": stored}
            entry = BalanceEntry.from_payload(stored)
        else:
            entry = _fetch_entry(posting, gateway, provider, posting.source_id)
        posting.amount_minor, posting.currency = entry.fee_minor, entry.currency
        db.session.commit()
    if entry.fee_minor == 0:
        raise NothingToWrite(NO_FEE)
    _home_only(posting, gateway, entry.currency)
    roles.account(gateway, entry.currency, "deposit")
    roles.account(gateway, entry.currency, "fees")


def build_fee(posting: Posting, gateway: Gateway, connector: Connector) -> tuple[str, object]:
    entry = _entry(posting)
    return "record_journal", (builders.fee_posting(
        entry=entry,
        fees_account_id=roles.account(gateway, entry.currency, "fees"),
        clearing_account_id=roles.account(gateway, entry.currency, "deposit"),
        payment_id=posting.payload.get("payment_id"),
        bank_account_ids=cached_bank_accounts(gateway, entry.currency, "fees", "deposit"),
        **_written(posting, gateway, entry.currency)))


# -- dispute step --------------------------------------------------------------------------
def prepare_dispute(posting: Posting, gateway: Gateway, provider) -> None:
    """Every account build_dispute names (the dispute fee's line needs the fees account even
    when the losses account is set), so none is found missing after the attempt counts."""
    entry = _entry(posting)
    _home_only(posting, gateway, entry.currency)
    roles.account(gateway, entry.currency, "deposit")
    roles.account(gateway, entry.currency, "dispute_losses")
    roles.account(gateway, entry.currency, "fees")


def build_dispute(posting: Posting, gateway: Gateway, connector: Connector) -> tuple[str, object]:
    entry = _entry(posting)
    return "record_journal", (builders.dispute_posting(
        entry=entry, dispute_id=posting.payload["dispute_id"],
        payment_id=posting.payload.get("payment_id"),
        losses_account_id=roles.account(gateway, entry.currency, "dispute_losses"),
        fees_account_id=roles.account(gateway, entry.currency, "fees"),
        clearing_account_id=roles.account(gateway, entry.currency, "deposit"),
        bank_account_ids=cached_bank_accounts(gateway, entry.currency, "dispute_losses", "fees",
                                              "deposit"),
        **_written(posting, gateway, entry.currency)))


# -- refund --------------------------------------------------------------------------------
def prepare_refund(posting: Posting, gateway: Gateway, provider) -> None:
    if posting.payload.get("status") in claims.FINAL_REFUND:
        raise NothingToWrite(REFUND_FAILED, WorkStatus.IGNORED)
    payment = _payment(posting)
    if payment is None or payment.status is not WorkStatus.DONE:
        raise payment_not_posted(payment) if payment is not None else Waiting(
            "payment", f"Waiting for payment {posting.payload.get('payment_id')} to be "
            "recorded.", payment_id=posting.payload.get("payment_id"))
    entry, entry_id = _entry(posting), posting.payload.get("entry_id")
    if entry is None and entry_id:
        entry = _fetch_entry(posting, gateway, provider, entry_id)
    default = (gateway.account_default_currency or posting.currency).upper()
    if entry is None and posting.currency != default:
        raise Waiting("entry", f"Waiting for Stripe's balance entry of refund "
                      f"{posting.source_id} (the rate it was converted at).",
                      refund_id=posting.source_id)
    settled_in = entry.currency if entry is not None else posting.currency
    if entry is not None and entry.currency != posting.currency:
        _home_only(posting, gateway, entry.currency)
    roles.account(gateway, settled_in, "deposit")


def build_refund(posting: Posting, gateway: Gateway, connector: Connector) -> tuple[str, object]:
    entry, payment = _entry(posting), _payment(posting)
    settled_in = entry.currency if entry is not None else posting.currency
    invoice_id = _first_invoice(payment)
    invoice = connector.invoice(invoice_id)
    customer = (payment.payload.get("metadata") or {}).get(METADATA_CUSTOMER) \
        or invoice.customer_id
    refunded_on = (entry.created_at if entry is not None else posting.created_at).date()
    return "record_refund", (builders.refund_posting(
        refund_id=posting.source_id, payment_id=payment.source_id,
        currency=posting.currency, amount_minor=posting.amount_minor, refunded_on=refunded_on,
        entry=entry, clearing_account_id=roles.account(gateway, settled_in, "deposit"),
        customer_id=customer, invoice_id=invoice_id, income_ref=invoice.income_ref,
        home_currency=gateway.company.home_currency, invoice_rate=invoice.exchange_rate,
        **_written(posting, gateway, posting.currency, settled_in)))


def _first_invoice(payment: Posting) -> str:
    """The invoice the refunded payment paid: the first its split applied to, else the first
    it named."""
    split = (payment.payload or {}).get("split") or {}
    if split.get("applied"):
        return split["applied"][0][0]
    named = (payment.payload.get("metadata") or {}).get(METADATA_INVOICES, "")
    return named.split(",")[0].strip()


# -- payout --------------------------------------------------------------------------------
def prepare_payout(posting: Posting, gateway: Gateway, provider) -> None:
    state = posting.payload["payout"]
    if state["status"] in claims.FINAL_PAYOUT:
        raise NothingToWrite(PAYOUT_FAILED if state["status"] == "failed" else PAYOUT_CANCELED,
                             WorkStatus.IGNORED)
    if not state.get("reconciled"):
        raise Waiting("reconciling", f"Waiting for Stripe to finish listing what payout "
                      f"{posting.source_id} contains.", payout_id=posting.source_id)
    if posting.payload.get("entries") is None:
        entries = provider.payout_entries(gateway.account_id, posting.source_id)
        posting.payload = {**posting.payload, "entries": [e.as_payload() for e in entries]}
        db.session.commit()
    awaited = _check_contents(posting, gateway)  # another company's payout says so first
    _home_only(posting, gateway, posting.currency)  # no rate for it, as for its fees
    _payout_accounts(gateway, posting.currency)
    if awaited:
        raise Waiting("contents", f"Waiting for {len(awaited)} item(s) of payout "
                      f"{posting.source_id} to be recorded first.",
                      waiting_for=tuple(p.id for p in awaited),
                      payout_id=posting.source_id, count=len(awaited))


def _payout_accounts(gateway: Gateway, currency: str) -> dict[str, str]:
    """The clearing account and the settlement bank a payout (or its reversal) moves money
    between; Waiting when either is not set, the clearing account named first."""
    clearing = roles.account(gateway, currency, "deposit")
    return {"clearing_account_id": clearing,
            "bank_account_id": roles.account(gateway, currency, "settlement")}


def _check_contents(posting: Posting, gateway: Gateway) -> list[Posting]:
    """Every entry the payout lists must be this company's (else Waiting, naming the others);
    returns those not recorded yet. A payment whose fee has no posting yet gets one now, from
    the listing (no extra read)."""
    awaited, foreign = [], []
    for stored in posting.payload["entries"]:
        entry = BalanceEntry.from_payload(stored)
        for kind, source in _answering(entry, posting):
            found = _posting(posting.company_id, kind, source)
            if found is None and kind == "fee" and _payment_known(posting, entry):
                found = claims.claim_fee(gateway, None, entry.payment_id, entry.source_id, entry.id,
                                  stored, WorkStatus.PENDING)
            if found is None or found.status is WorkStatus.UNMATCHED:
                foreign.append(entry.source_id or entry.id)
            elif found.status is not WorkStatus.DONE:
                awaited.append(found)
    if foreign:
        names = ", ".join(dict.fromkeys(foreign))
        raise Waiting("foreign", f"Payout {posting.source_id} contains {names}, which Remit "
                      "did not record for this company (another company's, or not started "
                      "from Remit).", payout_id=posting.source_id, items=names)
    return awaited


def _payment_known(posting: Posting, entry: BalanceEntry) -> bool:
    return db.session.scalar(select(Posting.id).where(
        Posting.company_id == posting.company_id, Posting.kind == "payment",
        Posting.source_id == entry.payment_id,
        Posting.status != WorkStatus.UNMATCHED)) is not None


def _answering(entry: BalanceEntry, payout: Posting) -> list[tuple[str, str]]:
    """The postings that record an entry (design.md: which posting answers for which entry);
    another payout's failure entry by failures.failure_answer."""
    payout_id = payout.source_id
    if entry.category == ENTRY_PAYMENT:
        answers = [("payment", entry.payment_id or entry.source_id)]
        return answers + ([("fee", entry.id)] if entry.fee_minor else [])
    if entry.category == ENTRY_REFUND:
        return [("refund", entry.source_id)]
    if entry.category == ENTRY_DISPUTE:
        return [("dispute", entry.id)]
    if entry.category == ENTRY_PAYOUT_FAILURE and entry.source_id != payout_id:
        failed = _posting(payout.company_id, "payout", entry.source_id)
        answer = failure_answer(entry.source_id, failed.status if failed else None)
        return [answer] if answer else []
    if entry.category in (ENTRY_PAYOUT, ENTRY_PAYOUT_FAILURE):
        return []  # the payout's own entry
    return [("other", entry.id)]  # never a posting: the payout waits, naming it


def build_payout(posting: Posting, gateway: Gateway, connector: Connector) -> tuple[str, object]:
    state = posting.payload["payout"]
    return "record_payout", (builders.payout_posting(
        payout_id=posting.source_id, currency=posting.currency,
        amount_minor=posting.amount_minor, arrival_date=date.fromisoformat(
            state["arrival_date"]),
        entries=[BalanceEntry.from_payload(e) for e in posting.payload["entries"]],
        bank_account_ids=cached_bank_accounts(gateway, posting.currency, "deposit",
                                              "settlement"),
        **_payout_accounts(gateway, posting.currency),
        **_written(posting, gateway, posting.currency)))


# -- payout reversal -----------------------------------------------------------------------
def prepare_reversal(posting: Posting, gateway: Gateway, provider) -> None:
    """Also reads, once, the balance entry that brought the money back (its creation dates
    the reversal), when the failure named it."""
    payout = _posting(posting.company_id, "payout", posting.source_id)
    if payout is None or payout.status is not WorkStatus.DONE:
        raise NothingToWrite(NOTHING_TO_REVERSE, WorkStatus.IGNORED)
    _payout_accounts(gateway, posting.currency)
    failure_entry_id = (payout.payload["payout"].get("failure_entry_id")
                        or posting.payload["payout"].get("failure_entry_id"))
    if _entry(posting) is None and failure_entry_id:
        _fetch_entry(posting, gateway, provider, failure_entry_id)


def build_reversal(posting: Posting, gateway: Gateway, connector: Connector) -> tuple[str, object]:
    """Dated the day Stripe recorded the failure, however late Remit learned of it (the day
    Remit claimed it when the failure named no entry)."""
    entry = _entry(posting)
    returned_on = (entry.created_at if entry is not None else posting.created_at).date()
    return "record_payout", (builders.payout_reversal_posting(
        payout_id=posting.source_id, currency=posting.currency,
        amount_minor=posting.amount_minor, returned_on=returned_on,
        bank_account_ids=cached_bank_accounts(gateway, posting.currency, "deposit",
                                              "settlement"),
        **_payout_accounts(gateway, posting.currency),
        **_written(posting, gateway, posting.currency)))


def followups(posting: Posting) -> list[int]:
    """What to enqueue after an attempt: postings that waited for this one (when it is done),
    a reversal for a recorded payout that has since failed, and postings this one claimed or
    waits for that no worker has tried yet."""
    from addon.posting.waiting import woken_by

    found: list[int] = []
    if posting.status is WorkStatus.DONE:
        found.extend(woken_by(posting))
        if posting.kind == "payout" and posting.payload["payout"]["status"] in claims.FINAL_PAYOUT:
            found.append(claims.claim_reversal(posting, None).id)
    elif posting.kind == "payout" and posting.status is WorkStatus.IGNORED:
        found.extend(woken_by(posting))  # a later payout may wait to learn this one failed
    awaited = (posting.payload or {}).get("waiting_for") or []
    untried = select(Posting.id).where(Posting.status == WorkStatus.PENDING,
                                       Posting.attempts == 0, Posting.error.is_(None))
    if awaited:
        found.extend(db.session.scalars(untried.where(Posting.id.in_(awaited))))
    if posting.kind == "payment":
        found.extend(db.session.scalars(untried.where(
            Posting.company_id == posting.company_id, Posting.kind == "fee",
            Posting.payload["payment_id"].as_string() == posting.source_id)))
    return list(dict.fromkeys(found))


PREPARE = {"fee": prepare_fee, "dispute": prepare_dispute, "refund": prepare_refund,
           "payout": prepare_payout, "payout_reversal": prepare_reversal}
BUILD = {"fee": build_fee, "dispute": build_dispute, "refund": build_refund,
         "payout": build_payout, "payout_reversal": build_reversal}
