"""What one Activity row says beyond the posting itself, in the bookkeeper's terms: the invoice
numbers and customer (from what Remit stored when the payment was asked for or posted, never a
ledger call per row), the gateway's page of the payment or payout, and the ledger's page of
every object the posting wrote. Rows stored before Remit kept numbers show the ids they have."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from addon.extensions import db
from addon.gateways.registry import GatewayNotConfigured, kind
from addon.models import Company, Gateway, Posting
from addon.posting.runner import INVOICES_READ_KEY, OBJECT_TYPE_KEY
from gateways.base import METADATA_CUSTOMER_NAME, METADATA_INVOICES, METADATA_NUMBERS

# A posting's kind as the page names it.
KINDS = {"payment": _l("Payment"), "fee": _l("Fee"), "refund": _l("Refund"),
         "dispute": _l("Dispute"), "dispute_closed": _l("Dispute closed"),
         "payout": _l("Payout"), "payout_reversal": _l("Payout reversal")}
# The ledger objects the built-in ledgers write (LedgerWrite.object_type), as a bookkeeper
# calls them; a plugin's other types show as the plugin names them.
OBJECT_TYPES = {"Payment": _l("Payment"), "JournalEntry": _l("Journal entry"),
                "Deposit": _l("Deposit"), "Transfer": _l("Transfer"),
                "RefundReceipt": _l("Refund receipt"), "ManualJournal": _l("Manual journal"),
                "BankTransaction": _l("Bank transaction"), "BankTransfer": _l("Bank transfer"),
                "CreditNote": _l("Credit note")}


@dataclass(frozen=True)
class Link:
    text: str
    url: str | None
    site: str  # whose page it is: "Stripe"


@dataclass(frozen=True)
class LedgerObject:
    label: str  # "Journal entry"; the id alone when its type is not known
    object_id: str
    url: str | None


@dataclass(frozen=True)
class Row:
    posting: Posting
    kind: str
    invoices: list[str]  # numbers, or ids where no number was stored
    customer: str | None
    gateway: Link | None  # the payment (or payout) in the gateway's dashboard
    ledger: list[LedgerObject]


def rows(company: Company, postings: list[Posting]) -> list[Row]:
    """The page's rows, with one query for the payments the other postings follow."""
    payments = _payments(company.id, postings)
    return [_row(company, posting, payments) for posting in postings]


def _payments(company_id: int, postings: list[Posting]) -> dict[str, Posting]:
    wanted = {(p.payload or {}).get("payment_id") for p in postings if p.kind != "payment"}
    wanted.discard(None)
    found = {p.source_id: p for p in postings if p.kind == "payment"}
    missing = wanted - set(found)
    if missing:
        found.update((p.source_id, p) for p in db.session.scalars(select(Posting).where(
            Posting.company_id == company_id, Posting.kind == "payment",
            Posting.source_id.in_(sorted(missing)))))
    return found


def _row(company: Company, posting: Posting, payments: dict[str, Posting]) -> Row:
    payload = posting.payload or {}
    payment = posting if posting.kind == "payment" else payments.get(payload.get("payment_id"))
    invoices, customer = named(payment) if payment is not None else ([], None)
    # The gateway's own object: the payment a fee, refund or dispute followed; the payout.
    gateway_object = posting.source_id if posting.kind in ("payment", "payout",
                                                           "payout_reversal") \
        else payload.get("payment_id")
    return Row(posting=posting, kind=str(KINDS.get(posting.kind, posting.kind)),
               invoices=invoices, customer=customer,
               gateway=gateway_link(posting, gateway_object) if gateway_object else None,
               ledger=ledger_objects(company, posting))


def named(payment: Posting) -> tuple[list[str], str | None]:
    """The invoices a payment paid, by number where Remit stored one (the pay page's metadata,
    else what the posting read from the ledger), by id otherwise; and the customer's name."""
    payload = payment.payload or {}
    metadata = payload.get("metadata") or {}
    ids = [i.strip() for i in metadata.get(METADATA_INVOICES, "").split(",") if i.strip()]
    numbers = metadata.get(METADATA_NUMBERS, "").split(",")
    read = {entry[0]: entry for entry in payload.get(INVOICES_READ_KEY) or []
            if isinstance(entry, list) and len(entry) == 3}
    shown = []
    for index, invoice_id in enumerate(ids):
        number = numbers[index].strip() if index < len(numbers) else ""
        shown.append(number or (read.get(invoice_id) or [None, None])[1] or invoice_id)
    customer = metadata.get(METADATA_CUSTOMER_NAME) or next(
        (entry[2] for entry in read.values() if entry[2]), None)
    return shown, customer


def gateway_link(posting: Posting, object_id: str) -> Link | None:
    """The object's page in its gateway's dashboard; the stand-in's console in sandbox mode
    (it has no page per payment)."""
    gateway = db.session.get(Gateway, posting.gateway_id) if posting.gateway_id else None
    gateway_kind = kind(gateway.kind) if gateway is not None else None
    if gateway_kind is None:
        return None
    if current_app.config["SANDBOX_MODE"]:
        return Link(object_id, f"{current_app.config['SANDBOX_URL']}/{gateway.kind}/",
                    gateway_kind.display_name)
    try:
        url = gateway_kind.build().dashboard_url(account_id=gateway.account_id,
                                                 source_id=object_id,
                                                 livemode=gateway.livemode)
    except GatewayNotConfigured:
        url = None
    return Link(object_id, url, gateway_kind.display_name)


def ledger_objects(company: Company, posting: Posting) -> list[LedgerObject]:
    """Each object the posting wrote, the first of its type linked to the ledger's page (the
    stand-in's console in sandbox mode). Later ids (Xero's payment per invoice, its
    overpayment, a credit note's refund payment) are listed by id."""
    if not posting.ledger_object_id:
        return []
    ledger = company.ledger
    object_type = (posting.payload or {}).get(OBJECT_TYPE_KEY) \
        or ledger.object_types.get(posting.kind)
    ids = [i for i in posting.ledger_object_id.split(",") if i]
    first, *others = ids
    label = OBJECT_TYPES.get(object_type) or object_type
    if current_app.config["SANDBOX_MODE"]:
        url = f"{current_app.config['SANDBOX_URL']}/{ledger.key}/"
    else:
        url = ledger.object_url(object_type, first)
    return [LedgerObject(str(label) if label else first, first, url)] + [
        LedgerObject(other, other, None) for other in others]
